import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Frees the stake the caller locked when it joined `taskId`, once the task has ended and its
 * challenge window passed (TaskManager.unlockStake).
 */
export async function unlockStake (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('unlockStake', async () => {
    const receipt = await transact(ctx, 'unlockStake', { contract: 'TaskManager', functionName: 'unlockStake', args: [params.taskId] })
    const { args } = eventIn('unlockStake', receipt, TaskManagerAbi, 'ProviderLeft', ctx.contracts.TaskManager)
    return { amount: args.amount, receipt }
  })
}
