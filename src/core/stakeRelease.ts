/**
 * When the stake a provider locked for a task comes back: the rule of `TaskManager.unlockStake`,
 * stated once for every reader that shows or acts on it.
 */

export interface StakeReleaseTask {
  status: 'Joining' | 'Running' | 'Completed' | 'Cancelled'
  /** chain seconds; meaningful once the task is closed */
  closedAt: bigint
  /** seconds */
  challengeWindow: bigint | number
}

/**
 * Chain seconds from which `unlockStake` works, undefined while the task is open. `applicant`: the
 * account joined once every place was taken and the draw among applicants left it without one (it
 * was never drawn for a shard, so it owes nothing and its stake comes back at once); while the task
 * is joining, the draw has not happened yet.
 */
export function stakeReleaseAt (task: StakeReleaseTask, applicant: boolean): bigint | undefined {
  if (applicant && task.status !== 'Joining') return 0n
  const closed = task.status === 'Completed' || task.status === 'Cancelled'
  return closed ? task.closedAt + BigInt(task.challengeWindow) : undefined
}
