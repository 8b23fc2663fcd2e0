import { isAddressEqual, type Hex, type TransactionReceipt } from 'viem'
import { computeCommitment } from '../../core/commitment.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { submitCommitment } from './submitCommitment.ts'
import { newSalt } from './newSalt.ts'
import type { WriteContext } from './types.ts'

export interface CommitParams {
  taskId: bigint
  round: number
  shard: number
  /** The account's replica slot (from `readAssignment`); looked up when omitted. */
  replica?: number
  /** Binary CID of the encoded delta. */
  deltaCid: Hex
  /** The delta's fingerprint, `fingerprintLength` int32 values. */
  fingerprint: readonly number[] | Int32Array
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
  fingerprint: number[]
  salt: Hex
  commitment: Hex
  receipt: TransactionReceipt
}

/**
 * Commits a result: `computeCommitment(chainId, verifier, task, round, shard, sender, deltaCid,
 * fingerprint, salt)` with the wallet's account as sender, sent to `ConsensusVerifier.commit`.
 */
export async function commitResult (ctx: WriteContext, params: CommitParams): Promise<CommittedResult> {
  return await asAction('commitResult', async () => {
    const sender = ctx.walletClient.account.address
    const fingerprint = Array.from(params.fingerprint)
    const salt = params.salt ?? newSalt()
    let replica = params.replica
    if (replica === undefined) {
      const [providers] = await ctx.publicClient.readContract({
        address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'assignment',
        args: [params.taskId, BigInt(params.round), BigInt(params.shard)]
      })
      replica = providers.findIndex((provider) => isAddressEqual(provider, sender))
      if (replica < 0) {
        throw new ChainActionError('commitResult', `commitResult: ${sender} is not drawn for shard ${params.shard} of round ${params.round} of task ${params.taskId}.`)
      }
    }
    const chainId = await ctx.publicClient.getChainId()
    const commitment = computeCommitment({
      chainId, verifier: ctx.contracts.ConsensusVerifier, taskId: params.taskId, round: params.round, shard: params.shard,
      sender, deltaCid: params.deltaCid, fingerprint, salt
    })
    const { attempt, receipt } = await submitCommitment(ctx, { taskId: params.taskId, round: params.round, shard: params.shard, replica, commitment })
    return {
      taskId: params.taskId, round: params.round, shard: params.shard, replica, attempt,
      deltaCid: params.deltaCid, fingerprint, salt, commitment, receipt
    }
  })
}
