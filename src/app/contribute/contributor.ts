/**
 * The Contribute switch: while on, picks a task (`nextTask`), runs the provider loop on it with
 * this tab's trainer worker, node and wallet, and moves to the next task when it ends. One per tab,
 * kept at module level so that moving between pages does not stop the work.
 */
import { readTaskCreation, type WriteContext } from '../../chain/actions/index.ts'
import type { NetworkConfig } from '../../core/networkConfig.ts'
import { Emitter } from '../../p2p/events.ts'
import type { TaskChannel } from '../../p2p/index.ts'
import { chainForAccount, datasetTaskData, nextTask, fetchTaskSpec, mnistTaskData, type TaskData, ProviderLoop, systemClock, workerTrainer } from '../../provider/index.ts'
import type { RoundTimings } from '../../provider/timing.ts'
import type { Evaluator, ProviderEvents, StepEvent } from '../../provider/types.ts'
import type { BackendName } from '../../train/backendChoice.ts'
import type { TrainProgress } from '../../train/trainShard.ts'
import { startEvaluator, startTrainer, type EvaluatorClient, type TrainerClient } from '../../train/trainerClient.ts'
import { appSession, type AppSession } from '../session.ts'
import { loadUploadedDataset } from '../../provider/uploadedData.ts'
import type { TaskSpec } from '../../core/taskSpec.ts'
import type { EvaluationData } from '../../train/workerApi.ts'
import { idbStateStore } from './idbStateStore.ts'

export interface ContributorState {
  on: boolean
  taskId?: bigint
  step?: StepEvent
  progress?: { round: number, shard: number } & TrainProgress
  /** the backend the trainer picked, and how */
  backend?: { name: BackendName, source: string }
  /** samples per second of the last training run */
  speed?: number
  /** wall time per round of the current task, seconds by category */
  timings?: Array<{ round: number } & RoundTimings>
  /** the latest actions, newest first */
  log: string[]
  error?: string
}

export type ContributorEvents = { change: ContributorState }

const LOG_LENGTH = 40
const IDLE_POLL_MS = 3000

export class Contributor extends Emitter<ContributorEvents> {
  private state: ContributorState = { on: false, log: [] }
  private controller: AbortController | undefined
  private trainer: TrainerClient | undefined
  private evaluator: EvaluatorClient | undefined

  get current (): ContributorState { return this.state }

  /** Starts contributing with `ctx`'s account; `backend` overrides the probe's pick. */
  start (network: NetworkConfig, ctx: WriteContext, opts: { backend?: BackendName } = {}): void {
    if (this.state.on) return
    const controller = new AbortController()
    this.controller = controller
    this.update({ on: true, log: [], error: undefined, step: { phase: 'waiting', detail: 'starting' } })
    void this.work(network, ctx, opts, controller.signal).catch((error: unknown) => {
      if (!controller.signal.aborted) this.update({ error: message(error) })
    }).finally(() => {
      if (this.controller === controller) {
        this.controller = undefined
        this.update({ on: false, step: { phase: 'stopped', detail: 'Contribute is off' } })
      }
    })
  }

  /**
   * Switches off at once (the switch shows it) and aborts the current step in the background; a
   * committed result is revealed on the next start.
   */
  stop (): void {
    const controller = this.controller
    if (controller === undefined) return
    this.controller = undefined
    controller.abort(new Error('stopped by the volunteer'))
    this.update({ on: false, step: { phase: 'stopped', detail: 'Contribute is off' } })
  }

  private async work (network: NetworkConfig, ctx: WriteContext, opts: { backend?: BackendName }, signal: AbortSignal): Promise<void> {
    const session = await appSession(network, ctx)
    this.trainer ??= startTrainer()
    this.evaluator ??= startEvaluator()
    const trainer = this.trainer
    const evaluator = this.evaluator
    const chain = chainForAccount(ctx)
    const states = idbStateStore(`mlbridge-provider-${network.chainId}`)
    // Local to this run: a run stopping in the background never touches the next run's channel.
    let channel: TaskChannel | undefined
    try {
      while (!signal.aborted) {
        const taskId = await nextTask(ctx, chain)
        if (taskId === undefined) {
          this.update({ taskId: undefined, step: { phase: 'waiting', detail: 'no task is open for joining and this account is in none: waiting for one' } })
          await systemClock.sleep(IDLE_POLL_MS, signal)
          continue
        }
        const { specCid } = await readTaskCreation(ctx, { taskId })
        const artifacts = session.artifacts(taskId.toString())
        this.update({ taskId, timings: [], step: { phase: 'fetching', detail: `task ${taskId}: fetching its spec` } })
        const spec = await fetchTaskSpec(artifacts, specCid, { signal })
        const { data, heldOut } = await this.taskData(session, spec, signal)
        const choice = await trainer.selectBackend(spec.model, opts.backend)
        this.update({ backend: { name: choice.backend, source: choice.source } })
        const browserEvaluator: Evaluator = {
          // WASM everywhere: the score goes on chain, and viewers re-check it with the same provider.
          evaluate: async (model, weights) => await evaluator.evaluate({ model, weights, data: heldOut, providers: ['wasm'] })
        }
        const loop = new ProviderLoop({
          taskId, spec, data, chain, artifacts, trainer: workerTrainer(trainer, choice.backend), evaluator: browserEvaluator, state: states,
          aggregatorTimeoutMs: 30_000
        })
        channel?.leave()
        channel = session.node.joinTask({
          taskId: taskId.toString(), signer: session.signer, presence: () => ({ backend: choice.backend, throughput: Math.round(this.state.speed ?? 0) })
        })
        const off = this.follow(loop, signal)
        try {
          const outcome = await loop.run(signal)
          this.log(`task ${taskId}: ${outcome}`)
        } finally {
          off()
        }
      }
    } finally {
      channel?.leave()
    }
  }

  /** The bundled MNIST (the worker holds it), or the task's uploaded data set fetched by its manifest. */
  private async taskData (session: AppSession, spec: TaskSpec, signal: AbortSignal): Promise<{ data: TaskData, heldOut: EvaluationData }> {
    if (spec.dataset.manifestCid === undefined) return { data: mnistTaskData(), heldOut: { kind: 'mnist-test' } }
    this.update({ step: { phase: 'fetching', detail: `fetching the data set ${spec.dataset.manifestCid}` } })
    const { train, test } = await loadUploadedDataset(session.node.storage, spec, { signal })
    return { data: datasetTaskData(train), heldOut: { kind: 'samples', data: test } }
  }

  /** Mirrors the loop's events into the state, until `signal` (a stopped run stays quiet). */
  private follow (loop: ProviderLoop, signal: AbortSignal): () => void {
    const onStep = (step: ProviderEvents['step']): void => {
      const timings = [...loop.timings()].filter(([round]) => round >= 0).sort(([a], [b]) => a - b)
        .map(([round, t]) => ({ round, train: t.train / 1000, transfer: t.transfer / 1000, chain: t.chain / 1000, aggregate: t.aggregate / 1000, wait: t.wait / 1000 }))
      this.update({ step, timings })
    }
    const onProgress = ({ round, shard, progress }: ProviderEvents['progress']): void => {
      this.update({ progress: { round, shard, ...progress }, speed: progress.samplesPerSec })
    }
    const onAction = (a: ProviderEvents['action']): void => {
      this.log(`${a.name}${a.round === undefined ? '' : ` round ${a.round}`}${a.shard === undefined ? '' : ` shard ${a.shard}`}${a.detail === undefined ? '' : `: ${a.detail}`}`)
    }
    const onError = (e: ProviderEvents['error']): void => {
      this.update({ error: `${e.phase}: ${message(e.error)}` })
      this.log(`error while ${e.phase}: ${message(e.error)}`)
    }
    const live = <T>(handler: (event: T) => void) => (event: T): void => { if (!signal.aborted) handler(event) }
    const offs = [loop.on('step', live(onStep)), loop.on('progress', live(onProgress)), loop.on('action', live(onAction)), loop.on('error', live(onError))]
    return () => { for (const off of offs) off() }
  }

  private log (line: string): void {
    this.update({ log: [`${new Date().toLocaleTimeString()} ${line}`, ...this.state.log].slice(0, LOG_LENGTH) })
  }

  private update (patch: Partial<ContributorState>): void {
    this.state = { ...this.state, ...patch }
    this.emit('change', this.state)
  }
}

function message (error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error)
}

/** This tab's contributor. */
export const contributor = new Contributor()
