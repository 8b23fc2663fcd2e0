/**
 * The main thread's handle on the trainer and evaluator workers: remembers the backend pick in
 * localStorage, turns an AbortSignal into a cancel message, and restores the engine's error types
 * (comlink carries only an error's name and message).
 */
import * as Comlink from 'comlink'
import { backendStoreKey, type BackendChoice, type BackendName, type BackendStore } from './backendChoice.ts'
import { BackendUnavailableError, TrainError, TrainingCancelledError } from './errors.ts'
import type { TrainProgress, TrainShardResult } from './trainShard.ts'
import type { EvaluateJob, Evaluation, EvaluationData, EvaluatorApi, TrainerApi, TrainJob } from './workerApi.ts'
import type { Architecture } from '../core/architecture.ts'
import type { WeightSet } from '../core/tensors.ts'

function revive (error: unknown): unknown {
  if (!(error instanceof Error)) return error
  switch (error.name) {
    case 'TrainingCancelledError': return new TrainingCancelledError()
    case 'BackendUnavailableError': return new BackendUnavailableError(error.message)
    case 'TrainError': case 'ModelSpecError': case 'WeightMismatchError': case 'DataFormatError': {
      const revived = new TrainError(error.message)
      revived.name = error.name
      return revived
    }
    default: return error
  }
}

export interface TrainOptions {
  onProgress?: (progress: TrainProgress) => void
  signal?: AbortSignal
  /** skip the probe and train on this backend */
  backend?: BackendName
}

let jobs = 0

/** A Web Worker, or any comlink endpoint that can be shut (a MessagePort in Node). */
export type TrainerEndpoint = Comlink.Endpoint & { terminate: () => void }

export class TrainerClient {
  private readonly remote: Comlink.Remote<TrainerApi>
  private current: { key: string, pending: Promise<BackendChoice> } | undefined

  constructor (private readonly worker: TrainerEndpoint, private readonly store: BackendStore | undefined = globalThis.localStorage) {
    this.remote = Comlink.wrap<TrainerApi>(worker)
  }

  /** Probes (or recalls) the backend for this kind of model and remembers a fresh probe's pick. */
  async selectBackend (architecture?: Architecture, override?: BackendName): Promise<BackendChoice> {
    // The worker's backend changes now; the next train() must not assume the earlier pick.
    this.current = undefined
    const key = backendStoreKey(architecture)
    const remembered = this.store?.getItem(key) as BackendName | null | undefined
    const choice = await this.remote.selectBackend({ architecture, override, remembered: remembered ?? undefined }).catch((e: unknown) => { throw revive(e) })
    if (choice.source === 'probe') this.store?.setItem(key, choice.backend)
    return choice
  }

  /** Selects the backend for this model unless the worker is already on the one selected for it. */
  private async ensureBackend (architecture: Architecture, override?: BackendName): Promise<void> {
    const key = `${backendStoreKey(architecture)}|${override ?? ''}`
    if (this.current?.key !== key) {
      const pending = this.selectBackend(architecture, override)
      this.current = { key, pending }
      // A failed pick is not kept: the next call tries again.
      pending.catch(() => { if (this.current?.pending === pending) this.current = undefined })
    }
    await this.current.pending
  }

  async train (job: Omit<TrainJob, 'id'>, options: TrainOptions = {}): Promise<TrainShardResult> {
    options.signal?.throwIfAborted()
    await this.ensureBackend(job.architecture, options.backend)
    const id = `job-${++jobs}`
    const onAbort = (): void => { void this.remote.cancel(id) }
    options.signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const progress = options.onProgress === undefined ? undefined : Comlink.proxy(options.onProgress)
      return await this.remote.train({ ...job, id }, progress)
    } catch (error) {
      throw revive(error)
    } finally {
      options.signal?.removeEventListener('abort', onAbort)
    }
  }

  /** The volunteer's share of the device: a running shard slows down (or speeds up) at its next batch. */
  async setShare (share: number): Promise<void> {
    await this.remote.setShare(share)
  }

  /** Version 0 of a model, built on the backend picked for it. */
  async initialWeights (architecture: Architecture, seed: number): Promise<WeightSet> {
    await this.ensureBackend(architecture)
    return await this.remote.initialWeights(architecture, seed)
  }

  terminate (): void {
    this.remote[Comlink.releaseProxy]()
    this.worker.terminate()
  }
}

export class EvaluatorClient {
  private readonly remote: Comlink.Remote<EvaluatorApi>

  constructor (private readonly worker: Worker) {
    this.remote = Comlink.wrap<EvaluatorApi>(worker)
  }

  async evaluate (job: EvaluateJob): Promise<Evaluation> {
    return await this.remote.evaluate(job).catch((e: unknown) => { throw revive(e) })
  }

  /**
   * Scores versions on `data` as a provider scores the version it proposes: with ONNX Runtime on
   * WASM everywhere, since the score goes on chain and viewers re-check it with the same provider.
   */
  scorer (data: EvaluationData): { evaluate: (architecture: Architecture, weights: WeightSet) => Promise<Evaluation> } {
    return { evaluate: async (architecture, weights) => await this.evaluate({ architecture, weights, data, providers: ['wasm'] }) }
  }

  async exportOnnx (architecture: Architecture, weights: EvaluateJob['weights']): Promise<Uint8Array> {
    return await this.remote.exportOnnx(architecture, weights)
  }

  terminate (): void {
    this.remote[Comlink.releaseProxy]()
    this.worker.terminate()
  }
}

export function startTrainer (store?: BackendStore): TrainerClient {
  return new TrainerClient(new Worker(new URL('../../workers/trainer.worker.ts', import.meta.url), { type: 'module', name: 'trainer' }), store)
}

export function startEvaluator (): EvaluatorClient {
  return new EvaluatorClient(new Worker(new URL('../../workers/evaluator.worker.ts', import.meta.url), { type: 'module', name: 'evaluator' }))
}
