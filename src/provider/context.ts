/**
 * What every duty handler works with: the task, the injected dependencies (chain, artifacts,
 * trainer, evaluator, state store, clock), the persisted state, and the small helpers that keep
 * handlers short: report a step, save, bound a step in time, and send a transaction that may lose
 * a race without failing the tick.
 */
import type { Address, Hex } from 'viem'
import { ContractRejectedError, TransactionRevertedError } from '../chain/actions/index.ts'
import { MLBridgeError } from '../core/errors.ts'
import type { Emitter } from '../core/events.ts'
import { versionCommitHash } from '../core/version/blob.ts'
import { EndorsementPool } from './endorsements.ts'
import { PhaseClock } from './timing.ts'
import type { ProviderLoopOptions } from './providerLoop.ts'
import type { Phase, ProviderEvents, ProviderState, StepEvent } from './types.ts'

export class StepTimeoutError extends MLBridgeError {
  override name = 'StepTimeoutError'
  constructor (ms: number) {
    super('STEP_TIMEOUT', `a step took longer than ${ms} ms`)
  }
}

/** Rejections that only mean someone else already did it, or the chain moved on since the last read. */
const BENIGN = new Set([
  'RoundUndecided', 'TaskNotActive', 'JoiningOpen', 'AggregationPending', // advance
  'ShardClosed', 'FinalizeTooEarly', 'RoundNotActive', // finalizeShard
  'AlreadyCommitted', 'AlreadyRevealed', // a commit or reveal that went through before a reload
  'InvalidVersionStatus', 'AlreadyConfirmed', 'RoundAlreadyFinal', 'RoundNotReady', 'StaleParent', // confirm, propose
  'ChallengeWindowClosed', // challenge
  'AlreadyReported', // an equivocation another provider reported first
  'ProposalExpired' // finalizeVersion or the last confirmation, after the round moved on
])

/** The loop's options with every default filled in. */
export type ProviderDeps = Required<Omit<ProviderLoopOptions, 'evaluator' | 'pollIntervalMs' | 'endorsements'>> & Pick<ProviderLoopOptions, 'evaluator' | 'endorsements'>

export class ProviderContext {
  readonly phaseClock = new PhaseClock()
  /** version blobs by lower-case CID, checked against their commit hash when read by version */
  private readonly models = new Map<string, Uint8Array>()
  private lastStep = ''
  /** Peers' endorsements of round versions, as received (checked when used). */
  readonly endorsements = new EndorsementPool()
  /** The task's fixed parameters on chain, as the last observation read them. */
  onChain = { shards: 0, modelId: 0n }

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
    this.phaseClock.enter(step.phase, step.round, this.deps.clock.now())
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
   * `signal` does or after `stepTimeoutMs`, which then rejects with StepTimeoutError.
   */
  async bounded<T> (work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const inner = new AbortController()
    const onAbort = (): void => { inner.abort(signal?.reason) }
    if (signal?.aborted === true) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = new AbortController()
    const timeout = this.timeout(timer.signal, (error) => { inner.abort(error) })
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

  private async timeout (cancel: AbortSignal, onTimeout?: (error: StepTimeoutError) => void): Promise<never> {
    const ms = this.deps.stepTimeoutMs
    const timeout = this.deps.clock.sleep(ms, cancel).then(() => {
      const error = new StepTimeoutError(ms)
      onTimeout?.(error)
      throw error
    })
    timeout.catch(() => {}) // settles (aborted) after the work wins: not an unhandled rejection
    return await timeout
  }

  /** A version's blob by version id, checked against the commit hash on chain. */
  async modelOf (versionId: bigint, signal?: AbortSignal): Promise<Uint8Array> {
    const version = await this.deps.chain.readVersion(versionId)
    return await this.modelAt(version.modelCid, signal, { versionId, commitHash: version.commitHash })
  }

  /** A version's blob by CID; `expected` checks it against a version's commit hash. */
  async modelAt (cid: Hex, signal?: AbortSignal, expected?: { versionId: bigint, commitHash: Hex }): Promise<Uint8Array> {
    const cached = this.models.get(cid.toLowerCase())
    if (cached !== undefined) return cached
    const bytes = await this.bounded(async (bound) => await this.deps.artifacts.get(cid, 'model', { signal: bound }), signal)
    if (expected !== undefined && versionCommitHash(bytes).toLowerCase() !== expected.commitHash.toLowerCase()) {
      throw new MLBridgeError('MODEL_MISMATCH', `the model behind ${cid} does not match version ${expected.versionId}'s commit hash ${expected.commitHash}`)
    }
    this.models.set(cid.toLowerCase(), bytes)
    return bytes
  }

  /** Keeps a blob this provider computed, so proposing and training from it needs no fetch. */
  keepModel (cid: Hex, bytes: Uint8Array): void {
    this.models.set(cid.toLowerCase(), bytes)
  }
}

export const resultKey = (round: number, shard: number, attempt: number): string => `${round}/${shard}/${attempt}`
