import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** What is left of a task's escrow (`RewardDistributor.escrowOf`). */
export async function readEscrow (ctx: ReadContext, params: { taskId: bigint }): Promise<bigint> {
  return await asAction('readEscrow', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'escrowOf', args: [params.taskId]
  }))
}
