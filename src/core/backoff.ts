/**
 * Waits that grow after each failure: `initialMs` after the first, times `factor` after each one
 * more, never past `maxMs`, each spread by ±20% so that many clients refused at the same moment
 * (tabs after a relay restart, a round's winners at a busy pinner) do not all come back at once.
 */
export interface Backoff {
  initialMs: number
  maxMs: number
  factor: number
}

/** The wait after `failures` failures in a row (1 for the first); `random` in [0, 1). */
export function backoffDelay (failures: number, b: Backoff, random: () => number = Math.random): number {
  const base = Math.min(b.maxMs, b.initialMs * b.factor ** Math.max(0, failures - 1))
  return Math.round(base * (0.8 + random() * 0.4))
}
