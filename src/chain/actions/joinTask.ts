import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Joins a task in its joining window and locks `joinLock(task)` (its `minStake` and one reward, the
 * liveness deposit) of the caller's free stake for it alone.
 */
export async function joinTask (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ weight: bigint, index: bigint, receipt: TransactionReceipt }> {
  return await asAction('joinTask', async () => {
    const receipt = await transact(ctx, 'joinTask', { contract: 'TaskManager', functionName: 'join', args: [params.taskId] })
    const { args } = eventIn('joinTask', receipt, TaskManagerAbi, 'ProviderJoined', ctx.contracts.TaskManager)
    return { weight: args.weight, index: args.index, receipt }
  })
}
