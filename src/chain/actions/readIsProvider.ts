import type { Address } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** Whether `account` holds a place in the task (joined, and not left out by the draw among applicants). */
export async function readIsProvider (ctx: ReadContext, params: { taskId: bigint, account: Address }): Promise<boolean> {
  return await asAction('readIsProvider', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'isProvider', args: [params.taskId, params.account]
  }))
}
