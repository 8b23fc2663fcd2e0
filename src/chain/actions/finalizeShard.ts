import { zeroHash, type BlockNumber, type BlockTag, type Hex, type TransactionReceipt } from 'viem'
import { deltaLeaf } from '../../core/version/deltaRoot.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { eventsIn } from './internal.ts'
import { transact } from './transact.ts'
import { readRevealed } from './readRevealed.ts'
import type { WriteContext } from './types.ts'

export type ShardOutcome =
  | { kind: 'accepted', attempt: number, center: number, winnersMask: number }
  | { kind: 'requeued', attempt: number, replication: number }
  /** No majority among two or more reveals: the referee decides the attempt before `refereeDeadline`. */
  | { kind: 'disputed', attempt: number, refereeDeadline: bigint }
  | { kind: 'failed', attempt: number }

/**
 * Decides a shard (anyone may call it once the reveal window ended or every replica revealed), or
 * re-queues a split the referee left undecided past its window. The
 * contract wants one fingerprint and one delta leaf (`deltaLeaf(deltaCid)`) per replica slot in
 * slot order, empty and zero for slots that did not reveal; they are gathered from the `Revealed` events of the shard's current attempt, read from
 * `fromBlock` on (default: the block in which that attempt started, from `attemptStart`).
 */
export async function finalizeShard (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, shard: number, fromBlock?: BlockNumber | BlockTag }
): Promise<{ outcome: ShardOutcome, roundDecided: boolean, receipt: TransactionReceipt }> {
  return await asAction('finalizeShard', async () => {
    const args = [params.taskId, BigInt(params.round), BigInt(params.shard)] as const
    const [[providers, attemptRaw, , , , , revealedMaskRaw], [, , startBlock]] = await Promise.all([
      ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'assignment', args }),
      ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'attemptStart', args })
    ])
    const attempt = Number(attemptRaw)
    const revealedMask = Number(revealedMaskRaw)
    const fingerprints: number[][] = providers.map(() => [])
    const leaves: Hex[] = providers.map(() => zeroHash)
    const fromBlock = params.fromBlock ?? BigInt(startBlock)
    for (const result of await readRevealed(ctx, { ...params, attempt, fromBlock })) {
      if (result.replica >= fingerprints.length) continue
      fingerprints[result.replica] = result.fingerprint
      leaves[result.replica] = deltaLeaf(result.deltaCid)
    }
    fingerprints.forEach((fp, replica) => {
      if ((revealedMask & (1 << replica)) !== 0 && fp.length === 0) {
        throw new ChainActionError('finalizeShard', `finalizeShard: replica ${replica} revealed but its Revealed event was not found (is fromBlock too late?).`)
      }
    })
    const receipt = await transact(ctx, 'finalizeShard', { contract: 'ConsensusVerifier', functionName: 'finalize', args: [...args, fingerprints, leaves] })
    const at = ctx.contracts.ConsensusVerifier
    const roundDecided = eventsIn(receipt, ConsensusVerifierAbi, 'RoundDecided', at).length > 0
    const [accepted] = eventsIn(receipt, ConsensusVerifierAbi, 'ShardAccepted', at)
    if (accepted !== undefined) {
      return { outcome: { kind: 'accepted', attempt, center: Number(accepted.args.center), winnersMask: Number(accepted.args.winnersMask) }, roundDecided, receipt }
    }
    const [disputed] = eventsIn(receipt, ConsensusVerifierAbi, 'ShardDisputed', at)
    if (disputed !== undefined) return { outcome: { kind: 'disputed', attempt, refereeDeadline: disputed.args.refereeDeadline }, roundDecided, receipt }
    const [requeued] = eventsIn(receipt, ConsensusVerifierAbi, 'ShardRequeued', at)
    if (requeued !== undefined) {
      return { outcome: { kind: 'requeued', attempt: Number(requeued.args.attempt), replication: Number(requeued.args.replication) }, roundDecided, receipt }
    }
    return { outcome: { kind: 'failed', attempt }, roundDecided, receipt }
  })
}
