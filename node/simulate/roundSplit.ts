/**
 * Where a round's wall time goes, across all the providers of a simulation: train, upload, chain,
 * aggregate, waiting. Each provider reports the steps it starts (the loop's `phase` event); at each
 * instant of a round the busiest step any provider is in names that instant (training first, then
 * uploading, aggregating, transactions, and waiting only when every provider waits), so the parts
 * add up to the round's wall time and work that overlaps training costs the round nothing.
 *
 * All providers of a simulation share one JavaScript thread, which trains one shard at a time: a
 * round with n trainings spends about n times one shard's training. Its overhead is the wall time
 * no provider trained, and `overheadRatio` sets it against one shard's training, what the round's
 * training would take with one machine per provider, as on a real network.
 */
import type { Phase } from '../../src/provider/types.ts'

export const ROUND_PHASES = ['train', 'upload', 'chain', 'aggregate', 'waiting'] as const
export type RoundPhase = typeof ROUND_PHASES[number]

/** The goal of issue 17: a round's non-training time at most a quarter of its training time. */
export const OVERHEAD_GOAL = 0.25

/** A step a provider started, at `at` ms of the loop's clock; `round` is absent before round 0 and after the task ended. */
export interface PhaseMark { at: number, phase: Phase, round?: number }

/**
 * `fetching` (the round's model) and `proposing` (scoring the recomputed version) move or compute
 * models as aggregation does; `joining` and `claiming` are transactions.
 */
const PART: Record<Phase, RoundPhase> = {
  training: 'train',
  uploading: 'upload',
  fetching: 'aggregate',
  aggregating: 'aggregate',
  proposing: 'aggregate',
  joining: 'chain',
  committing: 'chain',
  revealing: 'chain',
  finalizing: 'chain',
  confirming: 'chain',
  advancing: 'chain',
  claiming: 'chain',
  waiting: 'waiting',
  paused: 'waiting',
  done: 'waiting',
  stopped: 'waiting'
}

/** Which part names an instant when providers are in several: the lower index wins. */
const PRIORITY: readonly RoundPhase[] = ['train', 'upload', 'aggregate', 'chain', 'waiting']

export function partOf (phase: Phase): RoundPhase {
  return PART[phase]
}

export interface RoundSplit {
  round: number
  /** wall seconds from the round's first step (any provider) to the next round's first step */
  seconds: number
  /** seconds by part; they add up to `seconds` */
  split: Record<RoundPhase, number>
  /** shards trained this round (by all replicas) */
  trainings: number
  /** one shard's training: `split.train` over `trainings` */
  shardTrainSeconds: number | null
  /** `seconds` less `split.train` */
  overheadSeconds: number
  /** `overheadSeconds` over `shardTrainSeconds` */
  overheadRatio: number | null
}

/**
 * Splits each round that some provider entered. `timelines` holds each provider's marks in the
 * order it started them; `end` (ms) closes the last round when no mark after it does (a run
 * stopped before the task ended).
 */
export function roundSplits (timelines: ReadonlyArray<readonly PhaseMark[]>, end: number): RoundSplit[] {
  const all = timelines.flat()
  const rounds = [...new Set(all.flatMap((m) => (m.round === undefined ? [] : [m.round])))].sort((a, b) => a - b)
  const starts = new Map(rounds.map((r) => [r, Math.min(...all.filter((m) => m.round === r).map((m) => m.at))]))
  return rounds.map((round, i) => {
    const start = starts.get(round)!
    const next = rounds[i + 1]
    // The last round ends at the first step after it that belongs to no round: claiming, done.
    const after = all.filter((m) => m.at > start && m.round === undefined).map((m) => m.at)
    const stop = next !== undefined ? starts.get(next)! : Math.min(end, ...after)
    const split = splitBetween(timelines, start, stop)
    const trainings = all.filter((m) => m.round === round && m.phase === 'training').length
    const seconds = (stop - start) / 1000
    const overheadSeconds = seconds - split.train
    const shardTrainSeconds = trainings === 0 ? null : split.train / trainings
    return {
      round,
      seconds,
      split,
      trainings,
      shardTrainSeconds,
      overheadSeconds,
      overheadRatio: shardTrainSeconds === null || shardTrainSeconds === 0 ? null : overheadSeconds / shardTrainSeconds
    }
  })
}

/** A run's figure over its rounds: all their overhead over all their shards' training, one shard per round. */
export function overallRatio (rounds: readonly RoundSplit[]): number | null {
  const counted = rounds.filter((r) => r.shardTrainSeconds !== null && r.shardTrainSeconds > 0)
  const train = counted.reduce((s, r) => s + r.shardTrainSeconds!, 0)
  return train === 0 ? null : counted.reduce((s, r) => s + r.overheadSeconds, 0) / train
}

/** Seconds of [start, stop) by part, each instant charged to the busiest provider's part. */
function splitBetween (timelines: ReadonlyArray<readonly PhaseMark[]>, start: number, stop: number): Record<RoundPhase, number> {
  const split: Record<RoundPhase, number> = { train: 0, upload: 0, chain: 0, aggregate: 0, waiting: 0 }
  const cuts = [...new Set([start, stop, ...timelines.flat().map((m) => m.at).filter((t) => t > start && t < stop)])].sort((a, b) => a - b)
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i]!
    const parts = timelines.map((marks) => current(marks, from))
    const part = PRIORITY.find((p) => parts.includes(p)) ?? 'waiting'
    split[part] += (cuts[i + 1]! - from) / 1000
  }
  return split
}

/** The part a provider is in at `t`: its last step started at or before `t` (waiting before its first). */
function current (marks: readonly PhaseMark[], t: number): RoundPhase {
  let part: RoundPhase = 'waiting'
  for (const m of marks) {
    if (m.at > t) break
    part = PART[m.phase]
  }
  return part
}
