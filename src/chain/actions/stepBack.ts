import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Undoes the caller's `stepAway` (TaskManager.stepBack): it may be drawn again from `fromRound` on,
 * the next round to start.
 */
export async function stepBack (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ fromRound: number, receipt: TransactionReceipt }> {
  return await asAction('stepBack', async () => {
    const receipt = await transact(ctx, 'stepBack', { contract: 'TaskManager', functionName: 'stepBack', args: [params.taskId] })
    const { args } = eventIn('stepBack', receipt, TaskManagerAbi, 'ProviderSteppedBack', ctx.contracts.TaskManager)
    return { fromRound: Number(args.fromRound), receipt }
  })
}
