/**
 * What every duty handler works with: the task, the injected dependencies (chain, artifacts,
 * trainer, evaluator, state store, clock), the persisted state, and the small helpers that keep
 * handlers short: report a step, save, bound a step in time, and send a transaction that may lose
 * a race without failing the tick.
 */
import type { Address, Hex } from 'viem'
import { ContractRejectedError, TransactionRevertedError } from '../chain/actions/index.ts'
import { concurrencyLimit } from '../core/concurrency.ts'
import { MLBridgeError } from '../core/errors.ts'
import type { Emitter } from '../core/events.ts'
import { hasCommitHash } from '../core/version/blob.ts'
import { EndorsementPool } from './endorsements.ts'
import { PhaseClock } from './timing.ts'
import type { ProviderLoopOptions } from './providerLoop.ts'
import type { Phase, ProviderEvents, ProviderState, StepEvent } from './types.ts'

/**
 * Delta prefetches a provider runs at once. They all come from the same few peers (the relay's
 * pinner first), so more in flight does not fetch the round sooner; each in flight holds a
 * listener on the loop's signal, and Node warns of a leak past 10 on one signal.
 */
export const PREFETCH_CONCURRENCY = 6

/** A delta prefetch: whether it left the queue, and whether anyone still wants it. */
interface Prefetch {
  started: boolean
  wanted: boolean
  fetched: Promise<Uint8Array>
}

export class StepTimeoutError extends MLBridgeError {
  override name = 'StepTimeoutError'
  constructor (ms: number) {
    super('STEP_TIMEOUT', `a step took longer than ${ms} ms`)
  }
}

/** Rejections that only mean someone else already did it, or the chain moved on since the last read. */
const BENIGN = new Set([
  'RoundUndecided', 'TaskNotActive', 'JoiningOpen', 'AggregationPending', // advance
  'ShardClosed', 'FinalizeTooEarly', 'RoundNotActive', // finalizeShards
  'AlreadyCommitted', 'AlreadyRevealed', // a commit or reveal that went through before a reload
  'InvalidVersionStatus', 'AlreadyConfirmed', 'RoundAlreadyFinal', 'RoundNotReady', 'StaleParent', // confirm, propose
  'AlreadyProposed', // a proposal of this round that went through before a reload
  'ChallengeWindowClosed', 'ChallengeAlreadyOpen', // challenge: too late, or another winner's is open
  'AlreadyReported', // an equivocation another provider reported first
  'ProposalExpired', // finalizeVersion or the last confirmation, after the round moved on
  'AlreadyAway', 'NotAway', // a step away or back that another device of this account took first
  'ApplicantDrawPending' // the draw among applicants, asked for again within its own block
])

/** Version blobs kept in memory: the parent, this round's recomputed version, and room for a head read early. */
export const MODEL_CACHE = 4

/** The loop's options with every default filled in. */
export type ProviderDeps = Required<Omit<ProviderLoopOptions, 'evaluator' | 'pollIntervalMs' | 'endorsements' | 'gate'>> & Pick<ProviderLoopOptions, 'evaluator' | 'endorsements' | 'gate'>

export class ProviderContext {
  readonly phaseClock = new PhaseClock()
  /**
   * Version blobs by lower-case CID, checked against their commit hash when read by version; a
   * fetch in flight is shared. Least recently used first: a round needs its parent and the version
   * it recomputes, and a provider that runs for thousands of rounds must not keep them all.
   */
  private readonly models = new Map<string, Promise<Uint8Array>>()
  /** sealed deltas fetched ahead of the aggregation that reads them (prefetch.ts), by lower-case CID; each is read once */
  private readonly deltas = new Map<string, Prefetch>()
  /** prefetches in flight at once, the rest queued: a winner at 32 providers prefetches 30 deltas at the same moment */
  private readonly prefetchSlots = concurrencyLimit(PREFETCH_CONCURRENCY)
  /** versions recomputed this run whose pin still runs (`publishing`), by round */
  private readonly publishes = new Map<number, { run: Promise<void>, publish: () => Promise<void> }>()
  private lastStep = ''
  /** Peers' endorsements of round versions, as received (checked when used). */
  readonly endorsements = new EndorsementPool()
  /** The task's fixed parameters on chain, as the last observation read them. */
  onChain = { shards: 0, modelId: 0n, confirmations: 0 }
  /** Whether this provider has stepped away from the task's draws; undefined until read. */
  away: boolean | undefined
  /**
   * Whether this provider, joined, holds a place, as read while the task had `status`: the draw
   * among applicants, as round 0 starts, is the only thing that changes it.
   */
  place: { status: string, placed: boolean } | undefined

  constructor (
    readonly deps: ProviderDeps,
    readonly events: Emitter<ProviderEvents>,
    public state: ProviderState,
    private readonly key: string
  ) {}

  get account (): Address { return this.deps.chain.account }

  async save (): Promise<void> {
    await this.deps.state.save(this.key, this.state)
  }

  /** Announces the step (once per distinct step) and charges the time since the last one. */
  async step (step: StepEvent): Promise<void> {
    const id = JSON.stringify(step)
    if (id === this.lastStep) return
    this.lastStep = id
    const at = this.deps.clock.now()
    this.phaseClock.enter(step.phase, step.round, at)
    this.events.emit('phase', { phase: step.phase, ...(step.round === undefined ? {} : { round: step.round }), at })
    this.state.step = step
    await this.save()
    this.events.emit('step', step)
  }

  action (event: ProviderEvents['action']): void {
    this.events.emit('action', event)
  }

  error (event: ProviderEvents['error']): void {
    this.events.emit('error', event)
  }

  /**
   * Runs a transaction that may lose a race (another provider advanced, finalized or confirmed
   * first): a rejection or a revert is reported as a non-fatal error and the next tick re-reads
   * the chain. Returns whether it went through.
   */
  async quietly (phase: Phase, fn: () => Promise<void>, where: { round?: number, shard?: number } = {}): Promise<boolean> {
    try {
      await fn()
      return true
    } catch (error) {
      if (error instanceof ContractRejectedError && BENIGN.has(error.errorName ?? '')) {
        this.action({ name: `${error.action} skipped`, ...where, detail: error.errorName })
        return false
      }
      if (error instanceof ContractRejectedError || error instanceof TransactionRevertedError) {
        this.error({ phase, error, fatal: false, ...where })
        return false
      }
      throw error
    }
  }

  /**
   * Work that listens to a signal (training, transfers, scoring): the signal it gets aborts when
   * `signal` does or after `ms` (`stepTimeoutMs` unless given), which then rejects with StepTimeoutError.
   */
  async bounded<T> (work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, ms = this.deps.stepTimeoutMs): Promise<T> {
    const inner = new AbortController()
    const onAbort = (): void => { inner.abort(signal?.reason) }
    if (signal?.aborted === true) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = new AbortController()
    const timeout = this.timeout(timer.signal, (error) => { inner.abort(error) }, ms)
    try {
      return await Promise.race([work(inner.signal), timeout])
    } finally {
      signal?.removeEventListener('abort', onAbort)
      timer.abort()
    }
  }

  /** A transaction or read: rejects with StepTimeoutError after `stepTimeoutMs`. */
  async timed<T> (work: Promise<T>): Promise<T> {
    const stop = new AbortController()
    try {
      return await Promise.race([work, this.timeout(stop.signal)])
    } finally {
      stop.abort()
    }
  }

  private async timeout (cancel: AbortSignal, onTimeout?: (error: StepTimeoutError) => void, ms = this.deps.stepTimeoutMs): Promise<never> {
    const timeout = this.deps.clock.sleep(ms, cancel).then(() => {
      const error = new StepTimeoutError(ms)
      onTimeout?.(error)
      throw error
    })
    timeout.catch(() => {}) // settles (aborted) after the work wins: not an unhandled rejection
    return await timeout
  }

  /** Fetches an artifact within `transferTimeoutMs`. */
  private async transfer (cid: Hex, kind: 'model' | 'delta', signal?: AbortSignal): Promise<Uint8Array> {
    return await this.bounded(async (bound) => await this.deps.artifacts.get(cid, kind, { signal: bound }), signal, this.deps.transferTimeoutMs)
  }

  /** A version's blob by version id, checked against the commit hash on chain. */
  async modelOf (versionId: bigint, signal?: AbortSignal): Promise<Uint8Array> {
    const version = await this.deps.chain.readVersion(versionId)
    return await this.modelAt(version.modelCid, signal, { versionId, commitHash: version.commitHash })
  }

  /** A version's blob by CID; `expected` checks it against a version's commit hash. */
  async modelAt (cid: Hex, signal?: AbortSignal, expected?: { versionId: bigint, commitHash: Hex }): Promise<Uint8Array> {
    const key = cid.toLowerCase()
    const cached = this.models.get(key)
    if (cached !== undefined) {
      this.remember(key, cached)
      return await cached
    }
    const fetched = (async () => {
      const bytes = await this.transfer(cid, 'model', signal)
      if (expected !== undefined && !(await hasCommitHash(bytes, expected.commitHash))) {
        throw new MLBridgeError('MODEL_MISMATCH', `the model behind ${cid} does not match version ${expected.versionId}'s commit hash ${expected.commitHash}`)
      }
      return bytes
    })()
    this.remember(key, fetched)
    // A failed fetch is not kept: the next read tries again.
    fetched.catch(() => { if (this.models.get(key) === fetched) this.models.delete(key) })
    return await fetched
  }

  /** Keeps a blob this provider computed, so proposing and training from it needs no fetch. */
  keepModel (cid: Hex, bytes: Uint8Array): void {
    this.remember(cid.toLowerCase(), Promise.resolve(bytes))
  }

  /** Caches a version blob as the most recently used, dropping the least recently used past MODEL_CACHE. */
  private remember (key: string, blob: Promise<Uint8Array>): void {
    this.models.delete(key)
    this.models.set(key, blob)
    for (const old of this.models.keys()) {
      if (this.models.size <= MODEL_CACHE) break
      this.models.delete(old)
    }
  }

  /** Starts fetching a sealed delta that an aggregation will read (`deltaOf`), unless already started. */
  prefetchDelta (cid: Hex, signal?: AbortSignal): void {
    const key = cid.toLowerCase()
    if (this.deltas.has(key)) return
    const state = { started: false, wanted: true }
    // Each transfer's time limit starts when it leaves the queue; one nobody wants any more is skipped.
    const fetched = this.prefetchSlots(async () => {
      if (!state.wanted) throw new Error(`the prefetch of ${cid} was dropped`)
      state.started = true
      return await this.transfer(cid, 'delta', signal)
    })
    fetched.catch(() => {}) // deltaOf fetches again
    this.deltas.set(key, Object.assign(state, { fetched }))
  }

  /**
   * A sealed delta by CID: the prefetched copy once (a failed prefetch is fetched again), else a
   * fetch. A prefetch still queued is not waited for: the queue may be held by deltas that never
   * arrive (revealed by colluders who never uploaded them), and this one is needed now.
   */
  async deltaOf (cid: Hex, signal?: AbortSignal): Promise<Uint8Array> {
    const fetch = async (): Promise<Uint8Array> => await this.transfer(cid, 'delta', signal)
    const prefetch = this.deltas.get(cid.toLowerCase())
    if (prefetch === undefined) return await fetch()
    this.deltas.delete(cid.toLowerCase())
    if (!prefetch.started) {
      prefetch.wanted = false
      return await fetch()
    }
    return await prefetch.fetched.catch(fetch)
  }

  /**
   * Runs `publish` (a round's version going to the pinner) while the loop moves on; `published`
   * waits for it, and for a new try if it failed, before the round that trains from the version
   * opens. A failure here is no error yet: when another winner's version ends the round (or the
   * task) first, nobody waits for this pin, and a pinner that refuses a completed task's upload
   * is right to; when something does wait, a second failure fails that duty, which says so.
   */
  publishing (round: number, publish: () => Promise<void>): void {
    const run = publish()
    run.catch(() => {})
    // An earlier round's pin that nothing waited for (another winner's version ended that round)
    // is not waited for any more: dropping it frees the version's bytes its closure holds.
    for (const earlier of this.publishes.keys()) if (earlier < round) this.publishes.delete(earlier)
    this.publishes.set(round, { run, publish })
  }

  /** Resolves once round `round`'s version is with the pinner (at once when nothing was left running). */
  async published (round: number): Promise<void> {
    const pending = this.publishes.get(round)
    if (pending === undefined) return
    try {
      await pending.run
    } catch {
      await pending.publish() // a second failure fails the duty, which the next tick runs again
    }
    this.publishes.delete(round)
  }

  /** Drops the prefetched deltas nobody read (a round that moved on, a winner left out); those still queued are not fetched. */
  dropDeltas (): void {
    for (const prefetch of this.deltas.values()) prefetch.wanted = false
    this.deltas.clear()
  }
}

export const resultKey = (round: number, shard: number, attempt: number): string => `${round}/${shard}/${attempt}`
