import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** The creator cancels a joining or running task; the unearned escrow becomes claimable by the creator. */
export async function cancelTask (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ refund: bigint, receipt: TransactionReceipt }> {
  return await asAction('cancelTask', async () => {
    const receipt = await transact(ctx, 'cancelTask', { contract: 'TaskManager', functionName: 'cancel', args: [params.taskId] })
    const { args } = eventIn('cancelTask', receipt, TaskManagerAbi, 'TaskCancelled', ctx.contracts.TaskManager)
    return { refund: args.refund, receipt }
  })
}
