/**
 * What a volunteer's node keeps on its own disk (IndexedDB in a page, files for the headless
 * provider). Each round it pins what it publishes (its sealed delta, the version it recomputed) and
 * stores what it fetches (other winners' deltas, the parent version, its data shard); without a
 * sweep all of it stayed, round after round and task after task, until the browser's quota or
 * the disk ran out. A sweep releases local pins once they are old enough that the pinner holds
 * what the network needs from this node, then deletes every block that no remaining pin reaches.
 *
 * The sweep finds what to keep by walking the remaining pins itself rather than calling Helia's
 * `gc`: `gc` takes the blockstore's write lock, which waits for every fetch in flight (a get holds
 * the read lock while it waits on the network) and, the lock being one per process, stalls every
 * node of a simulator; and Helia 7.1's `pins.rm` miscounts blocks shared by two pins, which `gc`
 * trusts.
 */
import type { CID } from 'multiformats/cid'
import type { ExclusiveGate } from '../core/concurrency.ts'
import { blockKey, reachable } from './reachable.ts'

/** 6 hours: many rounds, and time for the referee and auditors to fetch a result from this node too. */
export const LOCAL_PIN_KEEP_MS = 6 * 3600_000
/** A sweep reads every block's key, so it runs rarely; between sweeps at most this much fetched data stays. */
export const LOCAL_SWEEP_INTERVAL_MS = 3600_000
/** The first sweep soon after start, for what a previous session left. */
export const FIRST_SWEEP_DELAY_MS = 60_000
/** Releasing an old pin walks its blocks, here and never on the network; a bound all the same. */
const RELEASE_TIMEOUT_MS = 10_000
/**
 * Deleting holds the store's gate, which every put waits for (a sealed delta before its commit):
 * a sweep deletes for this long at most and the next one, a minute later, goes on.
 */
export const SWEEP_DELETE_BUDGET_MS = 2_000

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

type Metadata = Record<string, string | number | boolean>

/** The pin set as far as a sweep needs it (Helia's `pins`). */
export interface LocalPins {
  ls: () => AsyncIterable<{ cid: CID, depth: number, metadata: Metadata }>
  /** Helia passes the options on to its blockstore's reads, `offline` included */
  rm: (cid: CID, options?: { signal?: AbortSignal }) => AsyncIterable<unknown>
}

/** The node's own blocks, never the network (Helia's `blockstore.unwrap()`). */
export interface LocalBlocks {
  getAll: () => AsyncIterable<{ cid: CID }> | Iterable<{ cid: CID }>
  get: (cid: CID, options?: { offline?: boolean }) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>
  delete: (cid: CID) => void | Promise<void>
}

export interface LocalRetentionInit {
  pins: LocalPins
  blocks: LocalBlocks
  /** the blob store's gate: a sweep takes its exclusive side */
  gate: ExclusiveGate
  /** told after each timed sweep: what it did, or why it failed */
  onSweep?: (outcome: SweepOutcome) => void
}

export interface SweepResult {
  /** local pins released */
  released: number
  /** pins that could not be released (a block of theirs missing here): the next sweep tries again */
  failed: number
  /** blocks deleted */
  deleted: number
  /** the delete budget ran out before every unreachable block was deleted */
  more: boolean
}

export type SweepOutcome = SweepResult | { error: unknown }

export interface LocalRetention {
  /** releases the old pins and deletes the blocks no remaining pin reaches, now */
  sweep: () => Promise<SweepResult>
  /** no more timed sweeps; resolves once a sweep under way has ended (the store may close then) */
  stop: () => Promise<void>
}

export function startLocalRetention (init: LocalRetentionInit, opts: LocalRetentionOptions = {}): LocalRetention {
  const keepMs = opts.keepMs ?? LOCAL_PIN_KEEP_MS
  const now = opts.now ?? Date.now
  let running: Promise<SweepResult> | undefined
  const sweepOnce = async (): Promise<SweepResult> => await init.gate.exclusive(async () => {
    const cutoff = now() - keepMs
    const kept: Array<{ cid: CID, depth: number }> = []
    const old: CID[] = []
    // A pin without `pinnedAt` predates dating: it is old.
    for await (const { cid, depth, metadata } of init.pins.ls()) {
      if (typeof metadata.pinnedAt === 'number' && metadata.pinnedAt >= cutoff) kept.push({ cid, depth })
      else old.push(cid)
    }
    let failed = 0
    for (const cid of old) {
      try {
        // offline: a pinned block missing here must not send the release to the network
        const local = { offline: true, signal: AbortSignal.timeout(RELEASE_TIMEOUT_MS) }
        for await (const _ of init.pins.rm(cid, local)) { /* unpin */ }
      } catch {
        failed++
      }
    }
    const live = await reachable(kept, init.blocks)
    let deleted = 0
    const until = performance.now() + SWEEP_DELETE_BUDGET_MS
    for await (const { cid } of init.blocks.getAll()) {
      if (live.has(blockKey(cid))) continue
      if (performance.now() > until) return { released: old.length - failed, failed, deleted, more: true }
      await init.blocks.delete(cid)
      deleted++
    }
    return { released: old.length - failed, failed, deleted, more: false }
  })
  const sweep = async (): Promise<SweepResult> => {
    const run = sweepOnce()
    running = run
    try {
      return await run
    } finally {
      if (running === run) running = undefined
    }
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const schedule = (delay: number): void => {
    timer = setTimeout(() => {
      let more = false
      sweep().then((result) => { more = result.more; init.onSweep?.(result) }, (error: unknown) => { init.onSweep?.({ error }) })
        .finally(() => { if (!stopped) schedule(more ? opts.firstDelayMs ?? FIRST_SWEEP_DELAY_MS : opts.intervalMs ?? LOCAL_SWEEP_INTERVAL_MS) })
    }, delay)
  }
  schedule(opts.firstDelayMs ?? FIRST_SWEEP_DELAY_MS)
  return {
    sweep,
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await running?.catch(() => {})
    }
  }
}
