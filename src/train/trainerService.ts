/**
 * The trainer's comlink API, apart from the worker that exposes it: the browser worker serves it
 * from `workers/trainer.worker.ts`, and Node (tests, a headless provider) can serve it on any
 * MessagePort with its own WASM paths and MNIST loader.
 */
import * as Comlink from 'comlink'
import { chooseBackend, type WasmPaths } from './backend.ts'
import { backendStoreKey, type BackendStore } from './backendChoice.ts'
import { selectSamples, type Dataset } from './data/dataset.ts'
import type { MnistSplit } from './data/mnistAsset.ts'
import { initialWeights } from './model.ts'
import { trainShard } from './trainShard.ts'
import type { ShardData, TrainerApi } from './workerApi.ts'

export interface TrainerServiceOptions {
  wasmPaths: WasmPaths
  loadMnist: () => Promise<MnistSplit>
}

export function createTrainerApi ({ wasmPaths, loadMnist }: TrainerServiceOptions): TrainerApi {
  const running = new Map<string, AbortController>()
  let mnist: Promise<MnistSplit> | undefined
  let share = 1

  const shardOf = async (data: ShardData): Promise<Dataset> => {
    if (data.kind === 'samples') return data.data
    mnist ??= loadMnist()
    return selectSamples((await mnist).train, data.indices)
  }

  return {
    async selectBackend ({ architecture, override, remembered, candidates }) {
      // Workers have no localStorage: the client passes in what it remembered and stores the result.
      const key = backendStoreKey(architecture)
      const store: BackendStore = { getItem: (k) => k === key ? remembered ?? null : null, setItem: () => {} }
      return await chooseBackend({ architecture, override, candidates, store, wasmPaths })
    },

    async train (job, onProgress) {
      if (running.has(job.id)) throw new Error(`a job named ${job.id} is already running`)
      const controller = new AbortController()
      running.set(job.id, controller)
      try {
        const data = await shardOf(job.data)
        // Progress travels on its own comlink port, so the result could overtake it: the result
        // goes back only once the last report has been acknowledged (a port keeps its order).
        let lastReport: Promise<void> | undefined
        const result = await trainShard(
          { architecture: job.architecture, training: job.training, weights: job.weights, data, seed: job.seed, scheme: job.scheme },
          { signal: controller.signal, onProgress: onProgress === undefined ? undefined : (p) => { lastReport = Promise.resolve(onProgress(p)) }, progressIntervalMs: job.progressIntervalMs, share: () => share }
        )
        await lastReport
        return Comlink.transfer(result, [result.delta.buffer])
      } finally {
        running.delete(job.id)
      }
    },

    cancel (id) {
      running.get(id)?.abort()
    },

    setShare (next) {
      share = next
    },

    async initialWeights (architecture, seed) {
      const weights = await initialWeights(architecture, seed)
      return Comlink.transfer(weights, weights.map((w) => w.values.buffer))
    }
  }
}
