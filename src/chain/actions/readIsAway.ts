import type { Address } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** Whether `account` joined the task and has stepped away from its draws (`stepAway`). */
export async function readIsAway (ctx: ReadContext, params: { taskId: bigint, account: Address }): Promise<boolean> {
  return await asAction('readIsAway', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'isAway', args: [params.taskId, params.account]
  }))
}
