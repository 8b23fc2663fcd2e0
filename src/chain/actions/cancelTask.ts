import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** The creator cancels a joining or running task; the unearned escrow becomes claimable by the creator. */
export async function cancelTask (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ refund: bigint, receipt: TransactionReceipt }> {
  return await asAction('cancelTask', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'cancel', args: [params.taskId]
    })
    const receipt = await send(ctx, 'cancelTask', request)
    const { args } = eventIn('cancelTask', receipt, TaskManagerAbi, 'TaskCancelled', ctx.contracts.TaskManager)
    return { refund: args.refund, receipt }
  })
}
