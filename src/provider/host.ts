/**
 * The provider host: the one cycle that the Contribute switch, the headless provider and the
 * simulator all run. It picks a task (or works on the one it is given), fetches and decodes the
 * spec, prepares the data, trainer and evaluator through the caller's `prepare`, joins the task's
 * gossip, runs the provider loop, and moves on when the task ends. Chain events and peers' gossip
 * wake the loop; the loop's own actions are announced to the task's peers so theirs wake too.
 */
import { readTask, readTaskCreation, type ReadContext } from '../chain/actions/index.ts'
import { MLBridgeError } from '../core/errors.ts'
import { Emitter } from '../core/events.ts'
import type { TaskMessage, TopicBodyInputs } from '../core/messages/index.ts'
import { checkDeclaredResources } from '../core/resourceLimits.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../core/taskDefinition.ts'
import type { MLBridgeClient } from '../sdk/client.ts'
import { announce } from './announce.ts'
import { candidatesFromApi, candidatesFromChain, nextTask, type TaskCandidates } from './pickTask.ts'
import { ProviderLoop, type LoopOutcome, type ProviderLoopOptions } from './providerLoop.ts'
import type { EndorsementBus } from './endorsements.ts'
import { systemClock } from './state.ts'
import type { TaskData } from './taskData.ts'
import { askGate, type ArtifactStore, type Evaluator, type ProviderChain, type ProviderStateStore, type Trainer, type WorkGate } from './types.ts'

/** What a task needs beyond its spec, made by the caller (a page has workers, Node trains in process). */
export interface PreparedTask {
  data: TaskData
  trainer: Trainer
  evaluator?: Evaluator
}

type HostTopic = 'rounds' | 'artifacts' | 'endorsements'

/** The task's gossip channel, as the host uses it (a p2p `TaskChannel` is one). */
export interface TaskGossip {
  /** verified messages of the task's `rounds`, `artifacts` and `endorsements` topics (presence does not wake anyone) */
  on: ((type: 'rounds' | 'artifacts', listener: () => void) => () => void) &
    ((type: 'endorsements', listener: (message: TaskMessage<'endorsements'>) => void) => () => void)
  publish: <K extends HostTopic>(kind: K, body: Omit<TopicBodyInputs[K], 'type' | 'taskId'>) => Promise<void>
  leave: () => void
}

export interface ProviderHostOptions {
  read: ReadContext
  chain: ProviderChain
  /** The task's artifact store (its blobs pinned on a relay). */
  artifacts: (taskId: bigint) => ArtifactStore
  prepare: (task: TaskDefinition, signal: AbortSignal) => Promise<PreparedTask>
  states: ProviderStateStore
  /**
   * The indexer's API, where the host finds the tasks to pick (a few requests per look); without it
   * the host reads every task from the chain on each look. Unused with `taskId`.
   */
  api?: Pick<MLBridgeClient, 'tasks'>
  /** Joins the task's gossip; without it only chain events and the poll wake the loop. */
  gossip?: (taskId: bigint) => TaskGossip
  /** Work on this task only (else pick like the Contribute switch) and stop when it ends. */
  taskId?: bigint
  /** Stop after the first task. */
  once?: boolean
  /** How often to look for a task while there is none (default 3 s). */
  idlePollMs?: number
  loop?: Pick<ProviderLoopOptions, 'pollIntervalMs' | 'aggregatorTimeoutMs' | 'stepTimeoutMs' | 'claimOnComplete' | 'stake' | 'limits' | 'pipeline'>
  /** The volunteer's controls: while they pause, no task is joined, and the loop of one the account joined steps away from its later rounds. */
  gate?: WorkGate
  /** How long a picked task's spec may take to arrive before the task is refused (default 60 s). */
  specFetchMs?: number
}

/** A spec is a few KiB pinned beside the task: a minute without it is a task nobody serves, or a spam task stalling volunteers. */
const SPEC_FETCH_MS = 60_000

export type HostEvents = {
  /** no task to work on: waiting for one (emitted once per idle spell) */
  idle: undefined
  /** the volunteer's controls pause this device between tasks (emitted when the reason changes) */
  paused: { reason: string }
  /** a task was picked; `stage` says what the host is doing for it */
  task: { taskId: bigint, stage: 'fetching spec' | 'preparing' | 'running', definition?: TaskDefinition }
  /** the loop for a task starts: subscribe to its events */
  loop: { taskId: bigint, loop: ProviderLoop }
  /** a task's loop ended */
  outcome: { taskId: bigint, outcome: LoopOutcome | 'stopped' }
  /** a picked task's spec did not load or asks more than a volunteer lends: it is skipped from now on */
  refused: { taskId: bigint, error: MLBridgeError }
}

/** Events and windows wake the loop; the poll only covers a missed event or a flaky RPC. */
const FALLBACK_POLL_MS = 5000

export class ProviderHost extends Emitter<HostEvents> {
  /** picked tasks whose spec could not be used, or whose loop ended; never picked again */
  private readonly skipped = new Set<bigint>()
  /** where the tasks to pick come from: the indexer's API, else the chain, chosen once */
  private readonly candidates: TaskCandidates

  constructor (private readonly opts: ProviderHostOptions) {
    super()
    this.candidates = opts.api === undefined ? candidatesFromChain(opts.read, opts.chain) : candidatesFromApi(opts.api, opts.chain.account)
  }

  /** Works on tasks until `signal` aborts (or the given task, or the first with `once`, ends). */
  async run (signal: AbortSignal): Promise<Array<{ taskId: bigint, outcome: LoopOutcome | 'stopped' }>> {
    const done: Array<{ taskId: bigint, outcome: LoopOutcome | 'stopped' }> = []
    let idle = false
    let pausedFor: string | undefined
    while (!signal.aborted) {
      const verdict = askGate(this.opts.gate)
      const paused = !verdict.allowed && this.opts.taskId === undefined ? verdict.reason : undefined
      // Paused, nothing new is joined, but a task the account joined still runs: its loop steps
      // away from the later rounds and finishes the shards it was drawn for.
      const taskId = this.opts.taskId ?? await nextTask(this.candidates, this.opts.chain, this.skipped, paused !== undefined)
      if (taskId === undefined) {
        if (paused !== undefined && pausedFor !== paused) this.emit('paused', { reason: paused })
        if (paused === undefined && !idle) this.emit('idle', undefined)
        pausedFor = paused
        idle = paused === undefined
        await systemClock.sleep(this.opts.idlePollMs ?? 3000, signal).catch(() => {})
        continue
      }
      pausedFor = undefined
      idle = false
      const outcome = await this.runTask(taskId, signal)
      if (outcome === 'refused') continue
      // the indexer may list an ended task as live for a moment: its loop has run, so it is not picked again
      this.skipped.add(taskId)
      done.push({ taskId, outcome })
      this.emit('outcome', { taskId, outcome })
      if (this.opts.once === true || this.opts.taskId !== undefined || outcome === 'stopped') break
    }
    return done
  }

  /**
   * The task's definition from its pinned spec. A picked task whose spec cannot be fetched or
   * decoded, asks more than the resource limits, or needs more than the task declares on chain (so
   * it looked better paid per hour than it is), or whose spec does not arrive in time, is refused (and skipped from then on) rather than
   * stopping the host: a spam task must not capture a volunteer. A task given by id throws.
   */
  private async define (taskId: bigint, artifacts: ArtifactStore, signal: AbortSignal): Promise<TaskDefinition | undefined> {
    try {
      const [{ specCid }, task] = await Promise.all([readTaskCreation(this.opts.read, { taskId }), readTask(this.opts.read, { taskId })])
      const ms = this.opts.specFetchMs ?? SPEC_FETCH_MS
      const deadline = AbortSignal.timeout(ms)
      const bytes = await artifacts.get(specCid, 'spec', { signal: AbortSignal.any([signal, deadline]) }).catch((error: unknown) => {
        if (deadline.aborted && !signal.aborted) throw new MLBridgeError('SPEC_UNAVAILABLE', `the task spec ${specCid} did not arrive within ${ms / 1000} s`, { cause: error })
        throw error
      })
      const definition = decodeTaskDefinition(bytes, `the task spec ${specCid}`)
      checkDeclaredResources(task, definition.cost)
      return definition
    } catch (error) {
      if (signal.aborted || this.opts.taskId !== undefined || !(error instanceof MLBridgeError)) throw error
      this.skipped.add(taskId)
      this.emit('refused', { taskId, error })
      return undefined
    }
  }

  private async runTask (taskId: bigint, signal: AbortSignal): Promise<LoopOutcome | 'stopped' | 'refused'> {
    const artifacts = this.opts.artifacts(taskId)
    this.emit('task', { taskId, stage: 'fetching spec' })
    const definition = await this.define(taskId, artifacts, signal)
    if (definition === undefined) return 'refused'
    this.emit('task', { taskId, stage: 'preparing', definition })
    const prepared = await this.opts.prepare(definition, signal)
    const gossip = this.opts.gossip?.(taskId)
    const loop = new ProviderLoop({
      taskId, task: definition, chain: this.opts.chain, artifacts, state: this.opts.states, ...prepared,
      ...(gossip === undefined ? {} : { endorsements: endorsementsOver(gossip) }),
      pollIntervalMs: FALLBACK_POLL_MS,
      ...this.opts.loop,
      ...(this.opts.gate === undefined ? {} : { gate: this.opts.gate })
    })
    const wake = (): void => { loop.wake() }
    const offs = [
      this.opts.chain.watch(taskId, wake),
      gossip?.on('rounds', wake) ?? (() => {}),
      gossip?.on('artifacts', wake) ?? (() => {}),
      gossip === undefined ? () => {} : announce(loop, gossip)
    ]
    this.emit('task', { taskId, stage: 'running', definition })
    this.emit('loop', { taskId, loop })
    try {
      return await loop.run(signal)
    } catch (error) {
      if (signal.aborted) return 'stopped'
      throw error
    } finally {
      for (const off of offs) off()
      gossip?.leave()
    }
  }
}

/** Endorsements ride the task's gossip: each message's wallet (`from`) is what the signer is checked against. */
function endorsementsOver (gossip: TaskGossip): EndorsementBus {
  return {
    publish: async (body) => { await gossip.publish('endorsements', body) },
    subscribe: (listener) => gossip.on('endorsements', (message) => { listener(message.body, message.from) })
  }
}
