import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Steps the caller, a provider of a joining or running task, away from its draws from the next
 * round on (TaskManager.stepAway): a volunteer's pause, at no cost. It still owes the shards of the
 * running round; `fromRound` is the first round it is not drawn in.
 */
export async function stepAway (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ fromRound: number, receipt: TransactionReceipt }> {
  return await asAction('stepAway', async () => {
    const receipt = await transact(ctx, 'stepAway', { contract: 'TaskManager', functionName: 'stepAway', args: [params.taskId] })
    const { args } = eventIn('stepAway', receipt, TaskManagerAbi, 'ProviderSteppedAway', ctx.contracts.TaskManager)
    return { fromRound: Number(args.fromRound), receipt }
  })
}
