/** How the tasks list shows one task: pure formatting of the on-chain state. */
import { formatUnits } from 'viem'
import type { TaskState } from '../../chain/actions/index.ts'

export interface TaskRowView {
  /** "2 / 3": the round under way (the last one once the task is over), of all rounds */
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

export function taskRowView (task: Pick<TaskState, 'currentRound' | 'rounds' | 'shards' | 'replication' | 'rewardPerResult' | 'creator'>): TaskRowView {
  return {
    round: `${Math.min(task.currentRound + 1, task.rounds)} / ${task.rounds}`,
    layout: `${task.shards} × ${task.replication}`,
    reward: formatUnits(task.rewardPerResult, 18),
    creator: shortAddress(task.creator)
  }
}
