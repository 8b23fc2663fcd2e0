import type { Hex } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** The commitment a replica slot holds for a shard attempt (zero when it has not committed). */
export async function readResultCommitment (
  ctx: ReadContext,
  params: { taskId: bigint, round: number, shard: number, attempt: number, replica: number }
): Promise<Hex> {
  return await asAction('readResultCommitment', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'resultOf',
    args: [params.taskId, BigInt(params.round), BigInt(params.shard), BigInt(params.attempt), BigInt(params.replica)]
  }))
}
