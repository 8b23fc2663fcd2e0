import type { Address } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/**
 * Whether `account` joined the task without a place: it applied once every place was taken and
 * waits for the draw after the joining window, or the draw left it out (its stake then unlocks at once).
 */
export async function readIsApplicant (ctx: ReadContext, params: { taskId: bigint, account: Address }): Promise<boolean> {
  return await asAction('readIsApplicant', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'isApplicant', args: [params.taskId, params.account]
  }))
}
