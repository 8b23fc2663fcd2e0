import { zeroHash, type BlockNumber, type BlockTag, type Hex, type TransactionReceipt } from 'viem'
import { packFingerprint } from '../../core/fingerprint.ts'
import { deltaLeaf } from '../../core/version/deltaRoot.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { ChainActionError } from './errors.ts'
import { eventsIn } from './internal.ts'
import { readRevealed } from './readRevealed.ts'
import type { ReadContext } from './types.ts'

export type ShardOutcome =
  | { kind: 'accepted', attempt: number, center: number, winnersMask: number }
  | { kind: 'requeued', attempt: number, replication: number }
  /** No majority among two or more reveals: the referee decides the attempt before `refereeDeadline`. */
  | { kind: 'disputed', attempt: number, refereeDeadline: bigint }
  | { kind: 'failed', attempt: number }

/** What deciding a shard compares: one packed fingerprint (`packFingerprint`) and delta leaf per replica slot, in slot order. */
export interface ShardResults {
  shard: bigint
  fingerprints: Hex[]
  deltaLeaves: Hex[]
}

/** A result this transaction reveals itself, so it is not read back from a `Revealed` event. */
export interface OwnReveal {
  replica: number
  deltaCid: Hex
  fingerprint: readonly number[] | Int32Array
}

/**
 * Every replica's revealed result of the shard's current attempt, as `finalize` (or a deciding
 * `reveal`) wants them: empty and zero for slots that did not reveal. Gathered from the attempt's
 * `Revealed` events, read from `fromBlock` on (default: the block in which the attempt started),
 * plus `own` results revealed in the same transaction.
 */
export async function readShardResults (
  ctx: ReadContext,
  action: string,
  params: { taskId: bigint, round: number, shard: number, fromBlock?: BlockNumber | BlockTag, own?: readonly OwnReveal[] }
): Promise<{ attempt: number, results: ShardResults, allRevealed: boolean }> {
  const args = [params.taskId, BigInt(params.round), BigInt(params.shard)] as const
  const [[providers, attemptRaw, , , , , revealedMaskRaw], [, , startBlock]] = await Promise.all([
    ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'assignment', args }),
    ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'attemptStart', args })
  ])
  const attempt = Number(attemptRaw)
  let revealedMask = Number(revealedMaskRaw)
  const fingerprints: Hex[] = providers.map(() => '0x')
  const deltaLeaves: Hex[] = providers.map(() => zeroHash)
  const fromBlock = params.fromBlock ?? BigInt(startBlock)
  for (const result of await readRevealed(ctx, { ...params, attempt, fromBlock })) {
    if (result.replica >= fingerprints.length) continue
    fingerprints[result.replica] = packFingerprint(result.fingerprint)
    deltaLeaves[result.replica] = deltaLeaf(result.deltaCid)
  }
  for (const own of params.own ?? []) {
    if (own.replica >= fingerprints.length) continue
    fingerprints[own.replica] = packFingerprint(own.fingerprint)
    deltaLeaves[own.replica] = deltaLeaf(own.deltaCid)
    revealedMask |= 1 << own.replica
  }
  fingerprints.forEach((fp, replica) => {
    if ((revealedMask & (1 << replica)) !== 0 && fp === '0x') {
      throw new ChainActionError(action, `${action}: replica ${replica} revealed but its Revealed event was not found (is fromBlock too late?).`)
    }
  })
  const allRevealed = providers.length > 0 && revealedMask === (1 << providers.length) - 1
  return { attempt, results: { shard: BigInt(params.shard), fingerprints, deltaLeaves }, allRevealed }
}

/** How a transaction decided `shard` (of `attempt`), from its events; undefined when it did not. */
export function shardOutcomeIn (ctx: ReadContext, receipt: TransactionReceipt, shard: number, attempt: number): ShardOutcome | undefined {
  const at = ctx.contracts.ConsensusVerifier
  const mine = <T extends { args: { shard: bigint } }>(events: T[]): T | undefined => events.find((e) => e.args.shard === BigInt(shard))
  const accepted = mine(eventsIn(receipt, ConsensusVerifierAbi, 'ShardAccepted', at))
  if (accepted !== undefined) return { kind: 'accepted', attempt, center: Number(accepted.args.center), winnersMask: Number(accepted.args.winnersMask) }
  const disputed = mine(eventsIn(receipt, ConsensusVerifierAbi, 'ShardDisputed', at))
  if (disputed !== undefined) return { kind: 'disputed', attempt, refereeDeadline: disputed.args.refereeDeadline }
  const requeued = mine(eventsIn(receipt, ConsensusVerifierAbi, 'ShardRequeued', at))
  if (requeued !== undefined) return { kind: 'requeued', attempt: Number(requeued.args.attempt), replication: Number(requeued.args.replication) }
  const failed = mine(eventsIn(receipt, ConsensusVerifierAbi, 'ShardFailed', at))
  if (failed !== undefined) return { kind: 'failed', attempt }
  return undefined
}

/** Whether the transaction decided the round's last shard. */
export function roundDecidedIn (ctx: ReadContext, receipt: TransactionReceipt): boolean {
  return eventsIn(receipt, ConsensusVerifierAbi, 'RoundDecided', ctx.contracts.ConsensusVerifier).length > 0
}
