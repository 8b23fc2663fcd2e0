import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** Joins a task in its joining window; needs bonded stake of at least the task's minimum. */
export async function joinTask (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ weight: bigint, index: bigint, receipt: TransactionReceipt }> {
  return await asAction('joinTask', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'join', args: [params.taskId]
    })
    const receipt = await send(ctx, 'joinTask', request)
    const { args } = eventIn('joinTask', receipt, TaskManagerAbi, 'ProviderJoined', ctx.contracts.TaskManager)
    return { weight: args.weight, index: args.index, receipt }
  })
}
