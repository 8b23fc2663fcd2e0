/**
 * What a volunteer's node keeps on its own disk (IndexedDB in a page, files for the headless
 * provider). Each round it pins what it publishes (its sealed delta, the version it recomputed) and
 * stores what it fetches (other winners' deltas, the parent version, its data shard); without a
 * sweep all of it stayed, round after round and task after task, until the browser's quota or
 * the disk ran out. A sweep releases local pins once they are old enough that the pinner holds
 * what the network needs from this node, then deletes every block no pin holds.
 */
import type { CID } from 'multiformats/cid'
import type { ExclusiveGate } from '../core/concurrency.ts'

/** 6 hours: many rounds, and time for the referee and auditors to fetch a result from this node too. */
export const LOCAL_PIN_KEEP_MS = 6 * 3600_000
/** A sweep reads every block's pin state, so it runs rarely; between sweeps at most this much fetched data stays. */
export const LOCAL_SWEEP_INTERVAL_MS = 3600_000
/** The first sweep soon after start, for what a previous session left. */
export const FIRST_SWEEP_DELAY_MS = 60_000

export interface LocalRetentionOptions {
  /** local pins older than this (by their `pinnedAt`) are released @default LOCAL_PIN_KEEP_MS */
  keepMs?: number
  /** @default LOCAL_SWEEP_INTERVAL_MS */
  intervalMs?: number
  /** @default FIRST_SWEEP_DELAY_MS */
  firstDelayMs?: number
  /** unix ms, the clock `pinnedAt` was written with @default Date.now */
  now?: () => number
}

/** The pin set as far as a sweep needs it (Helia's `pins`). */
export interface LocalPins {
  ls: () => AsyncIterable<{ cid: CID, metadata: Record<string, string | number | boolean> }>
  rm: (cid: CID) => AsyncIterable<unknown>
}

export interface LocalRetentionInit {
  pins: LocalPins
  /** deletes every block that no pin holds (Helia's `gc`) */
  gc: () => Promise<void>
  /** the blob store's gate: a sweep takes its exclusive side */
  gate: ExclusiveGate
  /** told after each timed sweep: what it released, or why it failed */
  onSweep?: (outcome: SweepOutcome) => void
}

export type SweepOutcome = { released: number } | { error: unknown }

export interface LocalRetention {
  /** releases the old pins and deletes unpinned blocks now; returns how many pins it released */
  sweep: () => Promise<number>
  /** no more timed sweeps; resolves once a sweep under way has ended (the store may close then) */
  stop: () => Promise<void>
}

export function startLocalRetention (init: LocalRetentionInit, opts: LocalRetentionOptions = {}): LocalRetention {
  const keepMs = opts.keepMs ?? LOCAL_PIN_KEEP_MS
  const now = opts.now ?? Date.now
  const sweep = async (): Promise<number> => await init.gate.exclusive(async () => {
    const cutoff = now() - keepMs
    const old: CID[] = []
    // A pin without `pinnedAt` predates dating: it is old.
    for await (const { cid, metadata } of init.pins.ls()) {
      if (!(typeof metadata.pinnedAt === 'number' && metadata.pinnedAt >= cutoff)) old.push(cid)
    }
    for (const cid of old) for await (const _ of init.pins.rm(cid)) { /* unpin */ }
    await init.gc()
    return old.length
  })

  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  let timed: Promise<void> | undefined
  const schedule = (delay: number): void => {
    timer = setTimeout(() => {
      timed = sweep().then((released) => { init.onSweep?.({ released }) }, (error: unknown) => { init.onSweep?.({ error }) })
        .finally(() => {
          timed = undefined
          if (!stopped) schedule(opts.intervalMs ?? LOCAL_SWEEP_INTERVAL_MS)
        })
    }, delay)
  }
  schedule(opts.firstDelayMs ?? FIRST_SWEEP_DELAY_MS)
  return {
    sweep,
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await timed
    }
  }
}
