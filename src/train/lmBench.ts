/**
 * Browser side of `npm run bench -- lm`: tokens/s of the character transformer through the full
 * worker path (worker + comlink + progress + delta encode) against the same training loop in raw
 * tfjs on this page's main thread (the same forward pass, optimizer and batches, nothing else),
 * per backend, on windows of the bundled Moby Dick. Both warm up first and keep the best of `reps`
 * alternating runs.
 */
import * as tf from '@tensorflow/tfjs'
import { architectureFromSpec } from '../core/architecture.ts'
import { parseTaskSpec, type TaskSpec } from '../core/taskSpec.ts'
import type { TransformerShape } from '../core/transformer.ts'
import { registerBackends, useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { fetchCorpus } from './data/corpus.ts'
import { selectSamples, type Dataset } from './data/dataset.ts'
import { textDataset, windowTargets } from './data/text.ts'
import { transformerLoss } from './lm/transformer.ts'
import { transformerParams } from './lm/transformerTrainable.ts'
import { initialWeights } from './model.ts'
import { makeOptimizer } from './optimizer.ts'
import { startTrainer } from './trainerClient.ts'
import { tfjsWasmPaths } from './wasmAssets.ts'

export interface LmBenchOptions {
  backends: BackendName[]
  preset: 'tiny' | 'small'
  steps: number
  batchSize: number
  reps: number
}

export interface LmBackendFigures {
  backend: BackendName
  workerTokensPerSec: number
  rawTokensPerSec: number
  /** worker over raw: the goal is at least 0.95 */
  ratio: number
}

export interface LmBenchResult {
  parameters: number
  context: number
  results: LmBackendFigures[]
  unavailable: Array<{ backend: BackendName, error: string }>
}

/** The raw loop: tf.variables, optimizer.minimize on transformerLoss, the loss read once at the end. */
async function rawTrainer (backend: BackendName, spec: TaskSpec, shape: TransformerShape, shard: Dataset): Promise<{ train: (steps: number) => Promise<number>, dispose: () => void }> {
  await useBackend(backend)
  const weights = await initialWeights(architectureFromSpec(spec.model), 1)
  return {
    train: async (steps) => {
      const started = performance.now()
      const params = transformerParams(shape, weights, true)
      const optimizer = makeOptimizer(spec.training)
      const count = shard.labels.length
      const tokens = tf.tensor2d(Int32Array.from(shard.x), [count, shape.context], 'int32')
      const targets = tf.tensor2d(windowTargets(shard, shape.context), [count, shape.context], 'int32')
      const b = spec.training.batchSize
      let last: tf.Scalar | null = null
      for (let step = 0; step < steps; step++) {
        last?.dispose()
        last = tf.tidy(() => {
          const idx = tf.tensor1d(Int32Array.from({ length: b }, (_, i) => (step * b + i) % count), 'int32')
          const xb = tf.gather(tokens, idx) as tf.Tensor2D
          const yb = tf.gather(targets, idx) as tf.Tensor2D
          return optimizer.minimize(() => transformerLoss(shape, params, xb, yb).loss, true, Object.values(params) as tf.Variable[]) as tf.Scalar
        })
      }
      await last?.data()
      const perSec = (steps * b * shape.context) / ((performance.now() - started) / 1000)
      last?.dispose()
      optimizer.dispose()
      tf.dispose([...Object.values(params), tokens, targets])
      return perSec
    },
    dispose: () => {}
  }
}

export async function runLmBench (options: LmBenchOptions): Promise<LmBenchResult> {
  const text = await fetchCorpus(location.origin)
  const context = options.preset === 'tiny' ? 32 : 128
  const { vocabulary, data } = textDataset(text.slice(0, 200_000), context)
  const spec = parseTaskSpec({
    model: { template: 'char-transformer', preset: options.preset, vocabulary },
    training: { optimizer: 'adam', learningRate: 0.002, localSteps: options.steps, batchSize: options.batchSize },
    seed: 'lm-bench'
  })
  const arch = architectureFromSpec(spec.model)
  const shape = arch.transformer as TransformerShape
  const shard = selectSamples(data, Array.from({ length: options.steps * options.batchSize }, (_, i) => i % data.labels.length))
  await registerBackends(tfjsWasmPaths)
  await useBackend('cpu')
  const weights = await initialWeights(arch, 1)

  const results: LmBackendFigures[] = []
  const unavailable: LmBenchResult['unavailable'] = []
  for (const backend of options.backends) {
    const trainer = startTrainer({ getItem: () => null, setItem: () => {} })
    try {
      const job = { architecture: arch, training: spec.training, weights, data: { kind: 'samples' as const, data: shard }, seed: 1 }
      const viaWorker = async (steps: number): Promise<number> => {
        const started = performance.now()
        await trainer.train({ ...job, training: { ...spec.training, localSteps: steps } }, { backend })
        return (steps * options.batchSize * context) / ((performance.now() - started) / 1000)
      }
      const raw = await rawTrainer(backend, spec, shape, shard)
      await viaWorker(2)
      await raw.train(2)
      let workerTokensPerSec = 0
      let rawTokensPerSec = 0
      for (let rep = 0; rep < options.reps; rep++) {
        workerTokensPerSec = Math.max(workerTokensPerSec, await viaWorker(options.steps))
        rawTokensPerSec = Math.max(rawTokensPerSec, await raw.train(options.steps))
      }
      results.push({ backend, workerTokensPerSec, rawTokensPerSec, ratio: workerTokensPerSec / rawTokensPerSec })
    } catch (error) {
      unavailable.push({ backend, error: error instanceof Error ? error.message : String(error) })
    } finally {
      trainer.terminate()
    }
  }
  return { parameters: weights.reduce((n, w) => n + w.values.length, 0), context, results, unavailable }
}
