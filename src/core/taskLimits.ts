/**
 * The bounds `TaskManager` puts on a task's parameters, mirrored so that the wizard (and any
 * client) can say what is wrong before a transaction is sent. Keep them equal to the contract's
 * constants of the same names.
 */

/** `TaskManager.MAX_WINDOW`: the longest joining, commit, reveal, aggregation or challenge window. */
export const MAX_WINDOW_SECONDS = 7 * 24 * 3600
/** `TaskManager.MAX_LIFETIME`: the longest a task may run with every window used and every shard re-run. */
export const MAX_LIFETIME_SECONDS = 365 * 24 * 3600
/** `TaskManager.MAX_PROVIDERS`: places per task; who joins beyond them applies, and a draw keeps this many. */
export const MAX_PROVIDERS = 255
/** `TaskManager.LIFETIME_ATTEMPTS`: attempts per shard the lifetime counts. */
export const LIFETIME_ATTEMPTS = 4
/**
 * `TaskManager.RESULT_FEE`: wei of MLB burnt per accepted result, escrowed by the creator on top of
 * the reward, so that reputation farmed in a self-made task costs its farmer this much a point.
 */
export const RESULT_FEE = 10n ** 17n

export interface TaskWindows {
  rounds: number
  joinWindow: number
  commitWindow: number
  revealWindow: number
  aggregateWindow: number
  challengeWindow: number
}

/** Seconds until a task must have ended, as the contract bounds it (a split's referee window lasts a reveal window). */
export function taskLifetime (w: TaskWindows): number {
  return w.joinWindow + w.rounds * (LIFETIME_ATTEMPTS * (w.commitWindow + 2 * w.revealWindow) + w.aggregateWindow + 2 * w.challengeWindow)
}

/**
 * What joining a task locks (`TaskManager.join`): its minimum stake, which a slash may take, and
 * one reward, the liveness deposit that a missing result forfeits (burnt).
 */
export function joinLock (task: { minStake: bigint, rewardPerResult: bigint }): bigint {
  return task.minStake + task.rewardPerResult
}
