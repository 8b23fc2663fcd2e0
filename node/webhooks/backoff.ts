/**
 * When a failed delivery is tried again: exponential backoff with "equal jitter" (half the delay
 * fixed, half random), so many receivers failing together do not all come back at the same instant,
 * yet no retry comes sooner than half its step.
 */

export interface BackoffOptions {
  /** the first retry's step @default 1000 */
  baseMs: number
  /** no step is longer @default 15 minutes */
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 15 * 60_000 }
/** 8 attempts with a 1 s base: retries over about 2 minutes, time for a receiver to restart */
export const DEFAULT_MAX_ATTEMPTS = 8

/** The wait after failed attempt number `attempt` (1 for the first attempt), `random` in [0, 1). */
export function retryDelayMs (attempt: number, options: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const step = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(step / 2 + (step / 2) * random())
}
