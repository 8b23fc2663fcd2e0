import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, eventsIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Joins a task in its joining window and locks `joinLock(task)` (its `minStake` and one reward, the
 * liveness deposit) of the caller's free stake for it alone. Once every place is taken the caller
 * applies instead (`applied`, `index` its position among the applicants): the draw after the
 * joining window keeps MAX_PROVIDERS of all who joined.
 */
export async function joinTask (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ weight: bigint, index: bigint, applied: boolean, receipt: TransactionReceipt }> {
  return await asAction('joinTask', async () => {
    const receipt = await transact(ctx, 'joinTask', { contract: 'TaskManager', functionName: 'join', args: [params.taskId] })
    const [application] = eventsIn(receipt, TaskManagerAbi, 'ProviderApplied', ctx.contracts.TaskManager)
    if (application !== undefined) return { weight: application.args.weight, index: application.args.position, applied: true, receipt }
    const { args } = eventIn('joinTask', receipt, TaskManagerAbi, 'ProviderJoined', ctx.contracts.TaskManager)
    return { weight: args.weight, index: args.index, applied: false, receipt }
  })
}
