import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, eventsIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

export type CancelOutcome =
  /** a joining task ended at once; the escrow is claimable by the creator */
  | { kind: 'cancelled', refund: bigint }
  /** a running task ends when round `round` does: the results revealed in it are still paid */
  | { kind: 'requested', round: number }

/** The creator cancels a joining task at once, or a running one as its current round ends. */
export async function cancelTask (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ outcome: CancelOutcome, receipt: TransactionReceipt }> {
  return await asAction('cancelTask', async () => {
    const receipt = await transact(ctx, 'cancelTask', { contract: 'TaskManager', functionName: 'cancel', args: [params.taskId] })
    const [requested] = eventsIn(receipt, TaskManagerAbi, 'TaskCancelRequested', ctx.contracts.TaskManager)
    if (requested !== undefined) return { outcome: { kind: 'requested', round: Number(requested.args.round) }, receipt }
    const { args } = eventIn('cancelTask', receipt, TaskManagerAbi, 'TaskCancelled', ctx.contracts.TaskManager)
    return { outcome: { kind: 'cancelled', refund: args.refund }, receipt }
  })
}
