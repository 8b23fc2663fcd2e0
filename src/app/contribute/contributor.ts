/**
 * The Contribute switch: while on, runs the provider host (picks a task, runs the provider loop on
 * it with this tab's trainer worker, node and wallet, and moves to the next task when it ends). One per tab,
 * kept at module level so that moving between pages does not stop the work.
 */
import type { WriteContext } from '../../chain/actions/index.ts'
import { errorMessage } from '../../core/errors.ts'
import type { NetworkConfig } from '../../core/networkConfig.ts'
import { networkApi } from '../hooks/useApi.ts'
import { Emitter } from '../../core/events.ts'
import type { TaskData, ProviderLoop } from '../../provider/index.ts'
import type { RoundTimings } from '../../provider/timing.ts'
import type { ProviderEvents, StepEvent } from '../../provider/types.ts'
import type { BackendName } from '../../train/backendChoice.ts'
import type { TrainProgress } from '../../train/trainShard.ts'
import type { EvaluatorClient, TrainerClient } from '../../train/trainerClient.ts'
import type { AppSession } from '../session.ts'
import type { TaskSpec } from '../../core/taskSpec.ts'
import type { EvaluationData } from '../../train/workerApi.ts'
import { controls } from './controls.ts'
import { idbStateStore } from './idbStateStore.ts'
import type { ArtifactStore } from '../../provider/types.ts'
import type { Storage } from '../../storage/index.ts'
import { roundNumber } from '../../core/taskPhase.ts'

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
  private loop: ProviderLoop | undefined

  constructor () {
    super()
    // New settings apply at once: the trainer's share mid-shard, and a loop waiting on a pause looks again.
    controls.on('change', ({ settings }) => {
      void this.trainer?.setShare(settings.share)
      this.loop?.wake()
    })
  }

  get current (): ContributorState { return this.state }

  /** Starts contributing with `ctx`'s account; `backend` overrides the probe's pick. */
  start (network: NetworkConfig, ctx: WriteContext, opts: { backend?: BackendName } = {}): void {
    if (this.state.on) return
    controls.watch()
    const controller = new AbortController()
    this.controller = controller
    this.update({ on: true, log: [], error: undefined, step: { phase: 'waiting', detail: 'starting' } })
    void this.work(network, ctx, opts, controller.signal).catch((error: unknown) => {
      if (!controller.signal.aborted) this.update({ error: errorMessage(error) })
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
    // The provider stack (libp2p, Helia, the provider loop, the trainer workers) loads when Contribute is switched on, not with the page.
    const [{ ProviderHost, chainForAccount, workerTrainer }, { startEvaluator, startTrainer }, { appSession }] = await Promise.all([
      import('../../provider/index.ts'), import('../../train/trainerClient.ts'), import('../session.ts')
    ])
    const session = await appSession(network, ctx)
    this.trainer ??= startTrainer()
    this.evaluator ??= startEvaluator()
    const trainer = this.trainer
    await trainer.setShare(controls.settings.share)
    const evaluator = this.evaluator
    const api = networkApi(network)
    const host = new ProviderHost({
      read: ctx,
      chain: chainForAccount(ctx),
      // the tasks to pick from the indexer's API; a network that names none is scanned on chain
      ...(api === undefined ? {} : { api }),
      artifacts: (taskId) => metered(session.artifacts(taskId.toString())),
      states: idbStateStore(`mlbridge-provider-${network.chainId}`),
      prepare: async (task, stop) => {
        const { data, heldOut } = await this.taskData(session, task.spec, stop)
        const choice = await trainer.selectBackend(task.architecture, opts.backend)
        this.update({ backend: { name: choice.backend, source: choice.source } })
        return { data, trainer: workerTrainer(trainer, choice.backend), evaluator: evaluator.scorer(heldOut) }
      },
      gossip: (taskId) => session.node.joinTask({
        taskId: taskId.toString(), signer: session.signer, presence: () => ({ backend: this.state.backend?.name ?? 'wasm', throughput: Math.round(this.state.speed ?? 0) })
      }),
      idlePollMs: IDLE_POLL_MS,
      loop: { aggregatorTimeoutMs: 30_000 },
      gate: () => controls.verdict()
    })
    host.on('paused', ({ reason }) => { this.update({ taskId: undefined, step: { phase: 'paused', detail: reason } }) })
    host.on('idle', () => { this.update({ taskId: undefined, step: { phase: 'waiting', detail: 'no task is open for joining and this account is in none: waiting for one' } }) })
    host.on('task', ({ taskId, stage }) => {
      if (stage === 'fetching spec') this.update({ taskId, timings: [], step: { phase: 'fetching', detail: `task ${taskId}: fetching its spec` } })
    })
    host.on('loop', ({ loop }) => {
      this.loop = loop
      this.follow(loop, signal)
    })
    host.on('outcome', ({ taskId, outcome }) => { if (outcome !== 'stopped') this.log(`task ${taskId}: ${outcome}`) })
    host.on('refused', ({ taskId, error }) => { this.log(`task ${taskId} skipped: ${error.message}`) })
    await host.run(signal)
  }

  /** The bundled MNIST (the worker holds it), or the task's uploaded data set fetched by its manifest. */
  private async taskData (session: AppSession, spec: TaskSpec, signal: AbortSignal): Promise<{ data: TaskData, heldOut: EvaluationData }> {
    const [{ datasetTaskData, mnistTaskData }, { heldOutOf, loadUploadedDataset }] = await Promise.all([import('../../provider/index.ts'), import('../../provider/uploadedData.ts')])
    if (spec.dataset.manifestCid === undefined) return { data: mnistTaskData(), heldOut: heldOutOf(undefined) }
    this.update({ step: { phase: 'fetching', detail: `fetching the data set ${spec.dataset.manifestCid}` } })
    const storage = session.node.storage
    const counted: Storage = { ...storage, blobs: { ...storage.blobs, get: async (cid, options) => counting(await storage.blobs.get(cid, options)) } }
    const split = await loadUploadedDataset(counted, spec, { signal })
    return { data: datasetTaskData(split.train), heldOut: heldOutOf(split) }
  }

  /** Mirrors the loop's events into the state, until `signal` (a stopped run stays quiet). */
  private follow (loop: ProviderLoop, signal: AbortSignal): void {
    const onStep = (step: ProviderEvents['step']): void => {
      const timings = [...loop.timings()].filter(([round]) => round >= 0).sort(([a], [b]) => a - b)
        .map(([round, t]) => ({ round, train: t.train / 1000, transfer: t.transfer / 1000, chain: t.chain / 1000, aggregate: t.aggregate / 1000, wait: t.wait / 1000 }))
      this.update({ step, timings })
    }
    const onProgress = ({ round, shard, progress }: ProviderEvents['progress']): void => {
      this.update({ progress: { round, shard, ...progress }, speed: progress.samplesPerSec })
    }
    const onAction = (a: ProviderEvents['action']): void => {
      this.log(`${a.name}${a.round === undefined ? '' : ` round ${roundNumber(a.round)}`}${a.shard === undefined ? '' : ` shard ${a.shard}`}${a.detail === undefined ? '' : `: ${a.detail}`}`)
    }
    const onError = (e: ProviderEvents['error']): void => {
      this.update({ error: `${e.phase}: ${errorMessage(e.error)}` })
      this.log(`error while ${e.phase}: ${errorMessage(e.error)}`)
    }
    const live = <T>(handler: (event: T) => void) => (event: T): void => { if (!signal.aborted) handler(event) }
    loop.on('step', live(onStep))
    loop.on('progress', live(onProgress))
    loop.on('action', live(onAction))
    loop.on('error', live(onError))
  }

  private log (line: string): void {
    this.update({ log: [`${new Date().toLocaleTimeString()} ${line}`, ...this.state.log].slice(0, LOG_LENGTH) })
  }

  private update (patch: Partial<ContributorState>): void {
    this.state = { ...this.state, ...patch }
    this.emit('change', this.state)
  }
}

/** Counts what passes, towards the volunteer's daily bandwidth cap. */
function counting (bytes: Uint8Array): Uint8Array {
  controls.addBytes(bytes.length)
  return bytes
}

/** The task's artifact store, every delta and model it sends or fetches counted towards the daily cap. */
function metered (store: ArtifactStore): ArtifactStore {
  const { put, get, stage } = store
  return {
    ...store,
    put: async (bytes, kind, options) => { counting(bytes); return await put(bytes, kind, options) },
    get: async (cid, kind, options) => counting(await get(cid, kind, options)),
    ...(stage === undefined ? {} : { stage: async (bytes, kind, options) => await stage(counting(bytes), kind, options) })
  }
}

/** This tab's contributor. */
export const contributor = new Contributor()
