/**
 * The provider loop: one volunteer's part in a task. Each tick observes the chain (`observe`),
 * asks the pure `duties` what is due, and runs a small handler for each duty: join, train, commit,
 * reveal, finalize a shard, recompute the round's version, propose, confirm or challenge, advance,
 * claim. Between ticks it waits for a wake-up (a chain event or a peer's gossip, wired by the host),
 * for the next window to close, or for the fallback poll. Everything it needs to resume (salts,
 * CIDs, what it proposed or confirmed) is saved before the transaction that depends on it.
 */
import { duties, type Duty } from '../core/duties.ts'
import { Emitter } from '../core/events.ts'
import type { TaskDefinition } from '../core/taskDefinition.ts'
import { DEFAULT_LIMITS, type ArtifactLimits } from '../storage/limits.ts'
import { ProviderContext } from './context.ts'
import { challenge, confirm, finalizeVersion, recordConfirmation } from './confirm.ts'
import type { EndorsementBus } from './endorsements.ts'
import { advance, claim, finalizeShards, join, unlock } from './lifecycle.ts'
import { observe, Patience } from './observe.ts'
import { Prefetcher } from './prefetch.ts'
import { stepAway, stepBack } from './presence.ts'
import { reportEquivocations } from './equivocation.ts'
import { emptyState, stateKey, systemClock } from './state.ts'
import type { TaskData } from './taskData.ts'
import type { RoundTimings } from './timing.ts'
import { askGate, type ArtifactStore, type Clock, type Evaluator, type ProviderChain, type ProviderEvents, type ProviderState, type ProviderStateStore, type Trainer, type WorkGate } from './types.ts'
import { aggregate, endorse, propose } from './version.ts'
import { commit, lostResult, reveal, train } from './work.ts'

export { StepTimeoutError } from './context.ts'

export interface ProviderLoopOptions {
  taskId: bigint
  /** The task's spec, decoded (the one behind its spec CID). */
  task: TaskDefinition
  /** The task's training samples (`mnistTaskData()` for the bundled MNIST). */
  data: TaskData
  chain: ProviderChain
  artifacts: ArtifactStore
  trainer: Trainer
  state: ProviderStateStore
  clock?: Clock
  /** Scores the versions this provider proposes (their accuracy and loss on chain); 0 without it. */
  evaluator?: Evaluator
  /** Stake to bond before joining when short of the task's minimum (default: the minimum). */
  stake?: { amount?: bigint, faucet?: boolean }
  /** Longest wait between two ticks when nothing wakes the loop (default 2 s). */
  pollIntervalMs?: number
  /** After a round is decided, how long others wait for its aggregator before proposing themselves (default 60 s). */
  aggregatorTimeoutMs?: number
  /** Winners' endorsements exchanged off chain (the task's gossip); without it every other winner signs on chain by `confirm`. */
  endorsements?: EndorsementBus
  /** How long the aggregator waits for every other winner's endorsement before proposing (default 5 s). */
  endorsementWaitMs?: number
  /**
   * How long, in all, the aggregator waits for enough endorsements to make its proposal final at
   * once (a majority of the winners), when not every winner's came within `endorsementWaitMs`
   * (default 20 s, well under `aggregatorTimeoutMs`). A proposal without them costs the missing
   * winners a `confirm` transaction each and keeps the round open until they send it.
   */
  finalityWaitMs?: number
  /** Limit for each fetch, training run and transaction (default 10 min). */
  stepTimeoutMs?: number
  /**
   * How long one fetch of a version or a delta may take (default 2 min, and never more than
   * `stepTimeoutMs`). A fetch that hangs (its only holder gone, a stalled link) then fails and is
   * tried again at the next pass, which also sees whether the round has moved on without it, rather
   * than holding the loop for a whole step's deadline.
   */
  transferTimeoutMs?: number
  /** Claim the rewards when the task completes (default false). */
  claimOnComplete?: boolean
  limits?: ArtifactLimits
  /**
   * Overlap off-chain work with the chain: fetch the next round's model while the chain settles,
   * and the like (see each handler). false keeps the former sequential order, a benchmark's baseline.
   * @default true
   */
  pipeline?: boolean
  /**
   * The volunteer's controls: while they pause, the loop joins nothing and steps away from the
   * task's later rounds, finishing the running round's shards (default: always allowed).
   */
  gate?: WorkGate
}

export type LoopOutcome = 'completed' | 'cancelled' | 'not-joined' | 'not-drawn'

/** Chain time runs up to a block behind the wall clock: wake a little after a window closes. */
const WINDOW_SLACK_MS = 1200

export class ProviderLoop extends Emitter<ProviderEvents> {
  readonly taskId: bigint
  private readonly ctx: ProviderContext
  private readonly patience: Patience
  private readonly prefetcher: Prefetcher
  private readonly poll: number
  private woken = false
  private wakeUp: (() => void) | undefined

  constructor (private readonly opts: ProviderLoopOptions) {
    super()
    this.taskId = opts.taskId
    const clock = opts.clock ?? systemClock
    const aggregatorTimeoutMs = opts.aggregatorTimeoutMs ?? 60_000
    const stepTimeoutMs = opts.stepTimeoutMs ?? 600_000
    this.poll = opts.pollIntervalMs ?? 2000
    this.patience = new Patience(clock, aggregatorTimeoutMs)
    this.ctx = new ProviderContext({
      ...opts,
      clock,
      limits: opts.limits ?? DEFAULT_LIMITS,
      stake: opts.stake ?? {},
      aggregatorTimeoutMs,
      endorsementWaitMs: opts.endorsementWaitMs ?? 5000,
      finalityWaitMs: opts.finalityWaitMs ?? 20_000,
      stepTimeoutMs,
      transferTimeoutMs: Math.min(opts.transferTimeoutMs ?? 120_000, stepTimeoutMs),
      claimOnComplete: opts.claimOnComplete === true,
      pipeline: opts.pipeline !== false
    }, this, emptyState(opts.taskId, opts.chain.account), stateKey(opts.taskId, opts.chain.account))
    this.prefetcher = new Prefetcher(this.ctx)
  }

  get account (): ProviderChain['account'] { return this.opts.chain.account }

  /** Wall time so far by round and category (train, transfer, chain, aggregate, wait). */
  timings (): Map<number, RoundTimings> { return this.ctx.phaseClock.timings(this.ctx.deps.clock.now()) }

  /** A copy of the persisted state. */
  snapshot (): ProviderState { return structuredClone(this.ctx.state) }

  /** Something changed (a chain event, a peer's message): tick now instead of at the next poll. */
  wake (): void {
    this.woken = true
    this.wakeUp?.()
  }

  /** Runs until the task completes or is cancelled, or `signal` aborts (then rejects with its reason). */
  async run (signal?: AbortSignal): Promise<LoopOutcome> {
    this.ctx.state = (await this.opts.state.load(stateKey(this.taskId, this.account))) ?? emptyState(this.taskId, this.account)
    const unsubscribe = this.opts.endorsements?.subscribe((endorsement, from) => {
      this.ctx.endorsements.add(endorsement, from)
      this.wake()
    })
    try {
      for (;;) {
        signal?.throwIfAborted()
        let result: TickResult = { outcome: null, progressed: false, waitMs: this.poll, blockWait: false }
        try {
          result = await this.tick(signal)
        } catch (error) {
          if (signal?.aborted === true) throw error
          this.emit('error', { phase: this.ctx.state.step?.phase ?? 'waiting', error, fatal: false })
        }
        if (result.outcome !== null) {
          await this.ctx.step({ phase: 'done', detail: result.outcome })
          return result.outcome
        }
        // A tick that moved something re-reads the chain at once: the next duty may be due already.
        if (!result.progressed) await this.pause(result.waitMs, result.blockWait, signal)
      }
    } catch (error) {
      if (signal?.aborted === true) await this.ctx.step({ phase: 'stopped' }).catch(() => {})
      throw error
    } finally {
      unsubscribe?.()
    }
  }

  /** One pass: observes, decides and does whatever is due now. */
  async tick (signal?: AbortSignal): Promise<TickResult> {
    await reportEquivocations(this.ctx)
    const verdict = askGate(this.opts.gate)
    const view = await observe(this.ctx, this.patience, verdict.allowed ? undefined : verdict.reason)
    if (view.round !== undefined) this.ctx.endorsements.moveTo(view.round.round)
    if (this.ctx.deps.pipeline) this.prefetcher.ahead(view, signal)
    const decision = duties(view)
    let progressed = false
    // Nothing due: the step shown must not stay the last work done (an observer takes 'proposing' for busy).
    if (decision.duties.length === 0) await this.ctx.step({ phase: 'waiting', ...(view.round === undefined ? {} : { round: view.round.round }) })
    for (const duty of decision.duties) {
      if (duty.kind === 'done') {
        if (duty.outcome === 'not-joined') await this.ctx.step({ phase: 'done', detail: 'the joining window closed before this account joined' })
        if (duty.outcome === 'not-drawn') await this.ctx.step({ phase: 'done', detail: 'more joined than the task has places, and the draw among them left this account out; its stake is unlocked' })
        return { outcome: duty.outcome, progressed, waitMs: 0, blockWait: false }
      }
      if (await this.perform(duty, view.round?.round, signal)) progressed = true
    }
    const untilWindow = decision.wakeAt === undefined ? Infinity : Number(decision.wakeAt - view.now) * 1000 + WINDOW_SLACK_MS
    // The draw (due one block on) and a reveal whose fingerprint seed is not drawn yet wait for the next block, which no event marks.
    const blockWait = decision.wakeAt === view.now + 1n || (!progressed && decision.duties.some((d) => d.kind === 'reveal'))
    return { outcome: null, progressed, waitMs: Math.max(0, Math.min(this.poll, untilWindow)), blockWait }
  }

  /** Runs one duty's handler; true when it changed something on chain or in the saved state. */
  private async perform (duty: Exclude<Duty, { kind: 'done' }>, round: number | undefined, signal?: AbortSignal): Promise<boolean> {
    const ctx = this.ctx
    const r = round ?? 0
    switch (duty.kind) {
      case 'join': return await join(ctx)
      case 'stepAway': return await stepAway(ctx, duty.reason)
      case 'stepBack': return await stepBack(ctx)
      case 'startRound': return await advance(ctx)
      case 'train': return await train(ctx, r, duty.shard, duty.replica, signal)
      case 'commit': return await commit(ctx, r, duty.results)
      case 'reveal': return await reveal(ctx, r, duty.results)
      case 'lostResult': return lostResult(ctx, r, duty.shard)
      case 'finalizeShards': return await finalizeShards(ctx, r, duty.shards)
      case 'aggregate': return await aggregate(ctx, r, signal)
      case 'propose': return await propose(ctx, r, signal)
      case 'endorse': return await endorse(ctx, r)
      case 'confirm': return await confirm(ctx, r, duty.proposal)
      case 'recordConfirmation': return await recordConfirmation(ctx, r, duty.proposal)
      case 'challenge': return await challenge(ctx, r, duty.proposal)
      case 'finalizeVersion': return await finalizeVersion(ctx, r, duty.proposal)
      case 'advance': return await advance(ctx, r)
      case 'claim': return await claim(ctx)
      case 'unlock': return await unlock(ctx)
      case 'wait':
        await ctx.step({ phase: 'waiting', ...(round === undefined ? {} : { round }), ...(duty.shard === undefined ? {} : { shard: duty.shard }), detail: duty.detail })
        return false
      case 'paused':
        await ctx.step({ phase: 'paused', ...(round === undefined ? {} : { round }), detail: duty.detail })
        return false
    }
  }

  /**
   * Sleeps up to `ms`, or less when `wake()` is called; pipelined, a wait for the next block also
   * ends with the block rather than the poll.
   */
  private async pause (ms: number, blockWait: boolean, signal?: AbortSignal): Promise<void> {
    if (this.woken) {
      this.woken = false
      return
    }
    signal?.throwIfAborted()
    const early = new AbortController()
    this.wakeUp = () => { early.abort() }
    const unwatch = blockWait && this.ctx.deps.pipeline ? this.opts.chain.watchBlocks?.(() => { early.abort() }) : undefined
    // A listener removed after each pause rather than AbortSignal.any, whose composites Node keeps
    // tied to the run's long-lived signal: one per tick, tens of thousands a day.
    const stop = (): void => { early.abort(signal?.reason) }
    signal?.addEventListener('abort', stop, { once: true })
    try {
      await this.ctx.deps.clock.sleep(ms, early.signal)
    } catch (error) {
      if (signal?.aborted === true) throw error
    } finally {
      signal?.removeEventListener('abort', stop)
      unwatch?.()
      this.wakeUp = undefined
      this.woken = false
    }
  }
}

interface TickResult {
  outcome: LoopOutcome | null
  progressed: boolean
  waitMs: number
  /** what the loop waits for is the next block */
  blockWait: boolean
}
