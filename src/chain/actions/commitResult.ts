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
 * Commits a result: `computeCommitment(chainId, verifier, task, round, shard, attempt, sender,
 * deltaCid, sealedCid, salt)` with the wallet's account as sender, sent to
 * `ConsensusVerifier.commit`. The fingerprint is not committed: it is computed at reveal, under a
 * seed drawn after the last commit (`readFingerprintSeed`).
 */
export async function commitResult (ctx: WriteContext, params: CommitParams): Promise<CommittedResult> {
  return await asAction('commitResult', async () => {
    const sender = ctx.walletClient.account.address
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
      attempt: params.attempt, sender, deltaCid: params.deltaCid, sealedCid: params.sealedCid, salt
    })
    const { attempt, receipt } = await submitCommitment(ctx, { taskId: params.taskId, round: params.round, shard: params.shard, replica, commitment })
    return {
      taskId: params.taskId, round: params.round, shard: params.shard, replica, attempt,
      deltaCid: params.deltaCid, sealedCid: params.sealedCid, salt, commitment, receipt
    }
  })
}
