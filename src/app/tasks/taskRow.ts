/** How the tasks list shows one task: pure formatting of the indexer's task (amounts as decimal strings). */
import { formatUnits, getAddress } from 'viem'
import type { Task } from '../../sdk/schemas.ts'

export interface TaskRowView {
  /** "Digits #3": the task's name and its number ("#3" alone for a nameless task) */
  title: string
  /** "2 / 3": the round under way (the first before it starts, the last once the task is over), of all rounds */
  round: string
  /** "2 × 2": shards times providers per shard */
  layout: string
  /** MLB per accepted result */
  reward: string
  creator: string
}

export function shortAddress (address: string): string {
  return `${address.slice(0, 6)}…${address.slice(-4)}`
}

export function taskRowView (task: Pick<Task, 'id' | 'name' | 'currentRound' | 'rounds' | 'shards' | 'replication' | 'rewardPerResult' | 'creator'>): TaskRowView {
  const name = task.name.trim()
  return {
    title: name === '' ? `#${task.id}` : `${name} #${task.id}`,
    round: `${Math.min((task.currentRound ?? 0) + 1, task.rounds)} / ${task.rounds}`,
    layout: `${task.shards} × ${task.replication}`,
    reward: formatUnits(BigInt(task.rewardPerResult), 18),
    creator: shortAddress(getAddress(task.creator))
  }
}
