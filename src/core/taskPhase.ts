/**
 * Where a task stands, in a person's words: one reading of the chain's (or the indexer's) task for
 * the task list, the task page and the CLI, so they never disagree. The chain numbers rounds from
 * 0; people count them from 1 (`roundNumber`).
 */

/** How a closed task ended (TaskManager's closing events): `underSubscribed` is TaskUnderSubscribed, `stalled` TaskStalled. */
export const TASK_ENDS = ['completed', 'cancelled', 'underSubscribed', 'stalled'] as const
export type TaskEnd = typeof TASK_ENDS[number]

export interface TaskPhaseInput {
  status: 'Joining' | 'Running' | 'Completed' | 'Cancelled'
  /** the chain's index of the round under way or last run; ignored before the first round starts */
  currentRound: number
  /** whether the first round ever started (a task can close while still joining) */
  started: boolean
  rounds: number
  providerCount: number
  replication: number
  /** unix seconds */
  joinDeadline: bigint
  /** a running task whose creator asked to cancel: it ends with the round under way */
  cancelRequested?: boolean
  /** how a closed task ended; undefined while its closing events are not read yet */
  end?: TaskEnd
}

export type TaskPhaseName = 'Joining' | 'Starting' | 'Expired' | 'Running' | 'Completed' | 'Cancelled'

export interface TaskPhase {
  name: TaskPhaseName
  /** one sentence on what the phase means and what comes next */
  explanation: string
  /** "2 of 3", or "not started" */
  round: string
  /** "1 joined, 2 needed" */
  providers: string
  /**
   * The join window closed with too few providers and nobody has ended the task yet: anyone may
   * (`TaskManager.advance`), which refunds the escrow to the creator.
   */
  refundable: boolean
}

/** The round as people count it: the chain's round 0 is round 1. */
export const roundNumber = (index: number | bigint): number => Number(index) + 1

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`

export function taskPhase (task: TaskPhaseInput, nowSeconds: number): TaskPhase {
  const providers = `${task.providerCount} joined, ${task.replication} needed`
  const round = task.started ? `${Math.min(roundNumber(task.currentRound), task.rounds)} of ${task.rounds}` : 'not started'
  const short = task.providerCount < task.replication
  const phase = (name: TaskPhaseName, explanation: string, refundable = false): TaskPhase => ({ name, explanation, round, providers, refundable })
  switch (task.status) {
    case 'Joining':
      if (nowSeconds < Number(task.joinDeadline)) {
        return phase('Joining', `Open to join: each shard needs ${plural(task.replication, 'provider')}, and ${task.providerCount} joined so far.`)
      }
      return short
        ? phase('Expired', `The join window closed with ${task.providerCount} of the ${task.replication} providers a shard needs: ending the task refunds its escrow to the creator.`, true)
        : phase('Starting', 'The join window closed with enough providers: the first round starts at the next advance.')
    case 'Running':
      return phase('Running', task.cancelRequested === true
        ? `The creator cancelled: the task ends with round ${Math.min(roundNumber(task.currentRound), task.rounds)}, whose results are still paid.`
        : 'Training: each round, providers train shards and an aggregator proposes the next version.')
    case 'Completed':
      return phase('Completed', `All ${plural(task.rounds, 'round')} ran; the escrow left went back to the creator.`)
    case 'Cancelled':
      if (task.end === 'underSubscribed') {
        return task.started
          ? phase('Cancelled', `Too few providers were left to draw a shard's ${plural(task.replication, 'replica')}: the task ended and the escrow left went back to the creator.`)
          : phase('Expired', `Fewer than the ${plural(task.replication, 'provider')} a shard needs joined in time: the task never started and its escrow went back to the creator.`)
      }
      if (task.end === 'stalled') return phase('Cancelled', 'Rounds in a row ended without a version: the task ended and the escrow left went back to the creator.')
      // the history (an indexer trails the chain) has yet to show the closing events
      if (task.end === undefined) return phase('Cancelled', 'The task ended and the escrow left went back to the creator.')
      return phase('Cancelled', task.started
        ? 'The creator cancelled: the task ended with its round under way, and the escrow left went back to the creator.'
        : 'The creator cancelled the task before it started; its escrow went back to the creator.')
  }
}

/** How a task ended, from its closing events in chain order (a stall or an under-subscription is told apart from a cancel). */
export function taskEndOf (eventNames: readonly string[]): TaskEnd | undefined {
  if (eventNames.includes('TaskUnderSubscribed')) return 'underSubscribed'
  if (eventNames.includes('TaskStalled')) return 'stalled'
  if (eventNames.includes('TaskCompleted')) return 'completed'
  if (eventNames.includes('TaskCancelled')) return 'cancelled'
  return undefined
}
