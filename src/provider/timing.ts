/**
 * Where a provider's wall time goes, per round: training, moving bytes, waiting on the chain, and
 * aggregating. The loop reports each step as it starts; the time until the next step is charged
 * to the category of the step it ended.
 */
import type { Phase } from './types.ts'

export const TIME_CATEGORIES = ['train', 'transfer', 'chain', 'aggregate', 'wait'] as const
export type TimeCategory = typeof TIME_CATEGORIES[number]
export type RoundTimings = Record<TimeCategory, number>

/**
 * `aggregating` includes fetching the accepted deltas, and `proposing` scoring the version on the
 * held-out data before the transaction: both are the aggregator's work, not the chain's.
 */
const CATEGORY: Record<Phase, TimeCategory> = {
  training: 'train',
  fetching: 'transfer',
  uploading: 'transfer',
  joining: 'chain',
  committing: 'chain',
  revealing: 'chain',
  finalizing: 'chain',
  confirming: 'chain',
  advancing: 'chain',
  claiming: 'chain',
  aggregating: 'aggregate',
  proposing: 'aggregate',
  waiting: 'wait',
  paused: 'wait',
  done: 'wait',
  stopped: 'wait'
}

export function categoryOf (phase: Phase): TimeCategory {
  return CATEGORY[phase]
}

const zero = (): RoundTimings => ({ train: 0, transfer: 0, chain: 0, aggregate: 0, wait: 0 })

/** Rounds a PhaseClock keeps (and the contribute page shows): a task may run 10,000. */
export const TIMED_ROUNDS = 50

/** Milliseconds per round (-1: before the first round, e.g. joining) and category, for the last TIMED_ROUNDS rounds. */
export class PhaseClock {
  private current: { phase: Phase, round: number, since: number } | undefined
  private readonly rounds = new Map<number, RoundTimings>()

  /** A step started at `now` (ms); closes the one before. */
  enter (phase: Phase, round: number | undefined, now: number): void {
    this.close(now)
    this.current = { phase, round: round ?? -1, since: now }
  }

  /** Charges the running step up to `now` without ending it. */
  close (now: number): void {
    const c = this.current
    if (c === undefined) return
    const t = this.rounds.get(c.round) ?? zero()
    t[categoryOf(c.phase)] += Math.max(0, now - c.since)
    this.rounds.set(c.round, t)
    c.since = now
    for (const round of this.rounds.keys()) if (round >= 0 && round <= c.round - TIMED_ROUNDS) this.rounds.delete(round)
  }

  /** A copy, by round. */
  timings (now?: number): Map<number, RoundTimings> {
    if (now !== undefined) this.close(now)
    return new Map([...this.rounds].map(([r, t]) => [r, { ...t }]))
  }
}
