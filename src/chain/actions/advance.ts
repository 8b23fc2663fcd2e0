import type { TransactionReceipt } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { eventsIn } from './internal.ts'
import { transact } from './transact.ts'
import type { ReadContext, WriteContext } from './types.ts'

export type AdvanceOutcome =
  /** `seedBlock`: the block whose hash draws the round's providers, this transaction's own (readable from the next one) */
  | { kind: 'roundStarted', round: number, seedBlock: bigint, startedAt: bigint }
  /**
   * more joined than the task has places: the hash of `seedBlock` (this transaction's own) draws who
   * keeps one, at the next `advance`, from the next block on
   */
  | { kind: 'applicantDrawScheduled', seedBlock: bigint, applicants: bigint }
  | { kind: 'completed', refund: bigint }
  /**
   * the creator's cancel took effect as the round ended, too few providers joined to start
   * (`underSubscribed`), or three rounds in a row made no version (`stalled`)
   */
  | { kind: 'cancelled', refund: bigint, underSubscribed: boolean, stalled: boolean }

/**
 * Moves a task forward (anyone may call it): starts round 0 after the joining window (or ends the
 * task when fewer providers joined than its replication; a task with applicants draws its places
 * first, over two calls), then the next round once every shard is
 * decided and the aggregation window passed without a version, or completes the task after its
 * last round (or ends it there if its creator asked to cancel, or after three rounds in a row
 * without a version). A round whose version became final has ended already, in the transaction
 * that made it final (`roundEndIn` reads how).
 */
export async function advance (
  ctx: WriteContext,
  params: { taskId: bigint }
): Promise<{ outcome: AdvanceOutcome, receipt: TransactionReceipt }> {
  return await asAction('advance', async () => {
    const receipt = await transact(ctx, 'advance', { contract: 'TaskManager', functionName: 'advance', args: [params.taskId] })
    const [draw] = eventsIn(receipt, TaskManagerAbi, 'ApplicantDrawScheduled', ctx.contracts.TaskManager)
    if (draw !== undefined) return { outcome: { kind: 'applicantDrawScheduled', seedBlock: BigInt(draw.args.seedBlock), applicants: draw.args.applicants }, receipt }
    const outcome = roundEndIn(ctx, receipt)
    if (outcome === undefined) throw new ChainActionError('advance', `advance: transaction ${receipt.transactionHash} neither started a round nor ended the task.`)
    return { outcome, receipt }
  })
}

/** How a transaction moved its task on (a round started, the task completed or was cancelled), from its events. */
export function roundEndIn (ctx: ReadContext, receipt: TransactionReceipt): AdvanceOutcome | undefined {
  const at = ctx.contracts.TaskManager
  const [started] = eventsIn(receipt, TaskManagerAbi, 'RoundStarted', at)
  if (started !== undefined) {
    return { kind: 'roundStarted', round: Number(started.args.round), seedBlock: BigInt(started.args.seedBlock), startedAt: BigInt(started.args.startedAt) }
  }
  const [completed] = eventsIn(receipt, TaskManagerAbi, 'TaskCompleted', at)
  if (completed !== undefined) return { kind: 'completed', refund: completed.args.refund }
  const [cancelled] = eventsIn(receipt, TaskManagerAbi, 'TaskCancelled', at)
  if (cancelled === undefined) return undefined
  const underSubscribed = eventsIn(receipt, TaskManagerAbi, 'TaskUnderSubscribed', at).length > 0
  const stalled = eventsIn(receipt, TaskManagerAbi, 'TaskStalled', at).length > 0
  return { kind: 'cancelled', refund: cancelled.args.refund, underSubscribed, stalled }
}
