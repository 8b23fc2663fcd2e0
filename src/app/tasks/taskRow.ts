/** How the tasks list shows one task: pure formatting of the indexer's task (amounts as decimal strings). */
import { formatUnits, getAddress } from 'viem'
import { taskPhase, type TaskPhase } from '../../core/taskPhase.ts'
import type { Task } from '../../sdk/schemas.ts'

export interface TaskRowView {
  /** "Digits #3": the task's name and its number ("#3" alone for a nameless task) */
  title: string
  /** where the task stands (its round counted from 1, its providers), as the task page says it */
  phase: TaskPhase
  /** "2 × 2": shards times providers per shard */
  layout: string
  /** MLB per accepted result */
  reward: string
  creator: string
}

export function shortAddress (address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}

type ListedTask = Pick<Task, 'id' | 'name' | 'status' | 'currentRound' | 'rounds' | 'shards' | 'replication' | 'providerCount' | 'joinDeadline' | 'closeReason' | 'rewardPerResult' | 'creator'>

export function taskRowView (task: ListedTask, nowSeconds: number): TaskRowView {
  const name = task.name.trim()
  return {
    title: name === '' ? `#${task.id}` : `${name} #${task.id}`,
    phase: taskPhase({
      status: task.status,
      currentRound: task.currentRound ?? 0,
      started: task.currentRound !== null,
      rounds: task.rounds,
      providerCount: task.providerCount,
      replication: task.replication,
      joinDeadline: BigInt(task.joinDeadline),
      end: task.closeReason ?? undefined
    }, nowSeconds),
    layout: `${task.shards} × ${task.replication}`,
    reward: formatUnits(BigInt(task.rewardPerResult), 18),
    creator: shortAddress(getAddress(task.creator))
  }
}
