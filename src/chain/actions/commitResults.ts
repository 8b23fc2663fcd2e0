import { isAddressEqual, type Hex, type TransactionReceipt } from 'viem'
import { computeCommitment } from '../../core/commitment.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { eventsIn } from './internal.ts'
import { newSalt } from './newSalt.ts'
import { submitCommitment } from './submitCommitment.ts'
import type { WriteContext } from './types.ts'

export interface CommitParams {
  taskId: bigint
  round: number
  shard: number
  /** The account's replica slot (from `readAssignment`); looked up when omitted. */
  replica?: number
  /** The shard's attempt the result was trained for (`readAssignment`). */
  attempt: number
  /** Binary CID of the plaintext delta (its header binds this account and the attempt). */
  deltaCid: Hex
  /** Binary CID of the sealed delta that was uploaded (core/delta/seal.ts). */
  sealedCid: Hex
  /**
   * The salt. Omit it and a random one is made, but then a reload between sending and returning
   * loses it: a provider that must survive reloads makes one with `newSalt()`, persists it, then
   * passes it here.
   */
  salt?: Hex
}

/** Everything the reveal needs; persist it. */
export interface CommittedResult {
  taskId: bigint
  round: number
  shard: number
  replica: number
  attempt: number
  deltaCid: Hex
  sealedCid: Hex
  salt: Hex
  commitment: Hex
  receipt: TransactionReceipt
}

/**
 * Commits results of one task and round in one transaction (`ConsensusVerifier.commit` takes a
 * batch): for each, `computeCommitment(chainId, verifier, task, round, shard, attempt, sender,
 * deltaCid, sealedCid, salt)` with the wallet's account as sender. The fingerprint is not
 * committed: it is computed at reveal, under a seed drawn after the last commit
 * (`readFingerprintSeed`). One failing entry fails them all.
 */
export async function commitResults (ctx: WriteContext, results: readonly CommitParams[]): Promise<CommittedResult[]> {
  return await asAction('commitResult', async () => {
    const [first] = results
    if (first === undefined) throw new ChainActionError('commitResult', 'commitResult: no result to commit.')
    if (results.some((r) => r.taskId !== first.taskId || r.round !== first.round)) {
      throw new ChainActionError('commitResult', 'commitResult: one transaction commits results of one task and round.')
    }
    const sender = ctx.walletClient.account.address
    const chainId = await ctx.publicClient.getChainId()
    const prepared = await Promise.all(results.map(async (params) => {
      const salt = params.salt ?? newSalt()
      const replica = params.replica ?? await replicaOf(ctx, params)
      const commitment = computeCommitment({
        chainId, verifier: ctx.contracts.ConsensusVerifier, taskId: params.taskId, round: params.round, shard: params.shard,
        attempt: params.attempt, sender, deltaCid: params.deltaCid, sealedCid: params.sealedCid, salt
      })
      return { params, salt, replica, commitment }
    }))
    const { receipt } = await submitCommitment(ctx, { taskId: first.taskId, round: first.round, entries: prepared.map((p) => ({ shard: p.params.shard, replica: p.replica, commitment: p.commitment })) })
    const committed = eventsIn(receipt, ConsensusVerifierAbi, 'Committed', ctx.contracts.ConsensusVerifier)
    return prepared.map(({ params, salt, replica, commitment }) => {
      const event = committed.find((e) => e.args.shard === BigInt(params.shard) && e.args.replica === BigInt(replica))
      return {
        taskId: params.taskId, round: params.round, shard: params.shard, replica, attempt: event === undefined ? params.attempt : Number(event.args.attempt),
        deltaCid: params.deltaCid, sealedCid: params.sealedCid, salt, commitment, receipt
      }
    })
  })
}

async function replicaOf (ctx: WriteContext, params: CommitParams): Promise<number> {
  const sender = ctx.walletClient.account.address
  const [providers] = await ctx.publicClient.readContract({
    address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'assignment',
    args: [params.taskId, BigInt(params.round), BigInt(params.shard)]
  })
  const replica = providers.findIndex((provider) => isAddressEqual(provider, sender))
  if (replica < 0) {
    throw new ChainActionError('commitResult', `commitResult: ${sender} is not drawn for shard ${params.shard} of round ${params.round} of task ${params.taskId}.`)
  }
  return replica
}
