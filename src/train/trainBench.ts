/**
 * Browser side of `npm run bench -- train`: samples/s of the full worker path (worker + comlink +
 * progress + delta encode) against a raw tfjs `fit` loop of the same model, backend and batch size
 * on this page's main thread. Both run on the same MNIST samples, after a warm-up each, and keep
 * the best of `reps` alternating runs.
 */
import * as tf from '@tensorflow/tfjs'
import { parseTaskSpec, type TaskSpec } from '../core/taskSpec.ts'
import { architectureFromSpec, type Architecture } from '../core/architecture.ts'
import { registerBackends, useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { selectSamples } from './data/dataset.ts'
import { fetchMnist } from './data/mnistAsset.ts'
import { buildModel, initialWeights } from './model.ts'
import { startTrainer } from './trainerClient.ts'
import { tfjsWasmPaths } from './wasmAssets.ts'

export interface BenchOptions {
  backends: BackendName[]
  steps: number
  batchSize: number
  hidden: number
  /** measurements per path and backend; the best of each counts */
  reps: number
}

export interface BackendFigures {
  backend: BackendName
  workerSamplesPerSec: number
  rawSamplesPerSec: number
  ratio: number
  /** the worker's training loop alone (trainShard's own figure), without setup, transfer and encoding */
  loopSamplesPerSec: number
}

export interface BenchResult {
  results: BackendFigures[]
  probePicked: BackendName
  unavailable: Array<{ backend: BackendName, error: string }>
}

/**
 * A compiled tfjs model on this page's main thread, timed with plain `fit`. Like the worker, which
 * receives a fresh shard each round, it moves the samples onto the device inside the timing.
 */
async function rawFitter (backend: BackendName, spec: TaskSpec, arch: Architecture, x: Float32Array, labels: Int32Array): Promise<{ fit: (count: number) => Promise<number>, dispose: () => void }> {
  await useBackend(backend)
  const model = buildModel(arch, 1)
  model.compile({ optimizer: tf.train.sgd(spec.training.learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
  const size = arch.inputShape.reduce((a, b) => a * b, 1)
  return {
    fit: async (count) => {
      const started = performance.now()
      const xs = tf.tensor(x.subarray(0, count * size), [count, ...arch.inputShape])
      const ys = tf.tidy(() => tf.oneHot(tf.tensor1d(labels.subarray(0, count), 'int32'), arch.classes).toFloat())
      await model.fit(xs, ys, { batchSize: spec.training.batchSize, epochs: 1, shuffle: true, verbose: 0 })
      const perSec = count / ((performance.now() - started) / 1000)
      tf.dispose([xs, ys])
      return perSec
    },
    dispose: () => model.dispose()
  }
}

export async function runTrainBench (options: BenchOptions): Promise<BenchResult> {
  const spec = parseTaskSpec({
    model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [options.hidden] },
    training: { optimizer: 'sgd', learningRate: 0.05, localSteps: options.steps, batchSize: options.batchSize },
    seed: 'bench'
  })
  const arch = architectureFromSpec(spec.model)
  const samples = options.steps * options.batchSize
  const { train } = await fetchMnist(location.origin)
  const indices = Array.from({ length: samples }, (_, i) => i % train.labels.length)
  const shard = selectSamples(train, indices)
  await registerBackends(tfjsWasmPaths)
  await useBackend('cpu')
  const weights = await initialWeights(arch, 1)

  const prober = startTrainer({ getItem: () => null, setItem: () => {} })
  const probePicked = (await prober.selectBackend(arch)).backend
  prober.terminate()

  const results: BackendFigures[] = []
  const unavailable: BenchResult['unavailable'] = []
  for (const backend of options.backends) {
    const trainer = startTrainer({ getItem: () => null, setItem: () => {} })
    try {
      // The worker loads the bundled digits itself (during the warm-up), as a provider's does.
      const job = { architecture: arch, training: spec.training, weights, data: { kind: 'mnist' as const, indices }, seed: 1 }
      let progressReports = 0
      let loopSamplesPerSec = 0
      const viaWorker = async (): Promise<number> => {
        const started = performance.now()
        const { metrics } = await trainer.train(job, { backend, onProgress: () => { progressReports++ } })
        loopSamplesPerSec = Math.max(loopSamplesPerSec, metrics.samplesPerSec)
        return samples / ((performance.now() - started) / 1000)
      }
      const raw = await rawFitter(backend, spec, arch, shard.x, shard.labels)
      try {
        // Warm-ups compile kernels and load the data; then the two paths alternate and each keeps
        // its best run, so a burst of load from elsewhere on the machine hits neither unfairly.
        await trainer.train({ ...job, training: { ...spec.training, localSteps: 3 } }, { backend })
        await raw.fit(options.batchSize * 3)
        let workerSamplesPerSec = 0
        let rawSamplesPerSec = 0
        for (let rep = 0; rep < options.reps; rep++) {
          workerSamplesPerSec = Math.max(workerSamplesPerSec, await viaWorker())
          rawSamplesPerSec = Math.max(rawSamplesPerSec, await raw.fit(samples))
        }
        if (progressReports === 0) throw new Error('no progress reports arrived')
        results.push({ backend, workerSamplesPerSec, rawSamplesPerSec, ratio: workerSamplesPerSec / rawSamplesPerSec, loopSamplesPerSec })
      } finally {
        raw.dispose()
      }
    } catch (error) {
      unavailable.push({ backend, error: error instanceof Error ? error.message : String(error) })
    } finally {
      trainer.terminate()
    }
  }
  return { results, probePicked, unavailable }
}
