/**
 * What `npm run bench -- lm` trains wherever it runs (a browser page in lmBench.ts, the headless
 * provider's path in node/bench/_lmNode.ts): the character transformer on Moby Dick windows, and
 * the same loop in raw tfjs (the same forward pass, optimizer and batches, nothing else) to
 * compare against.
 */
import * as tf from '@tensorflow/tfjs'
import { architectureFromSpec, type Architecture } from '../core/architecture.ts'
import { parseTaskSpec, type TaskSpec } from '../core/taskSpec.ts'
import type { TransformerShape } from '../core/transformer.ts'
import { useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { selectSamples, type Dataset } from './data/dataset.ts'
import { textDataset, windowTargets } from './data/text.ts'
import { transformerLoss } from './lm/transformer.ts'
import { transformerParams } from './lm/transformerTrainable.ts'
import { initialWeights } from './model.ts'
import { makeOptimizer } from './optimizer.ts'

export interface LmBenchSettings {
  preset: 'tiny' | 'small'
  steps: number
  batchSize: number
}

export interface LmBenchJob {
  spec: TaskSpec
  arch: Architecture
  shape: TransformerShape
  /** enough windows for `steps` batches */
  shard: Dataset
}

export function lmBenchJob (text: string, settings: LmBenchSettings): LmBenchJob {
  const context = settings.preset === 'tiny' ? 32 : 128
  const { vocabulary, data } = textDataset(text.slice(0, 200_000), context)
  const spec = parseTaskSpec({
    model: { template: 'char-transformer', preset: settings.preset, vocabulary },
    training: { optimizer: 'adam', learningRate: 0.002, localSteps: settings.steps, batchSize: settings.batchSize },
    seed: 'lm-bench'
  })
  const arch = architectureFromSpec(spec.model)
  const shard = selectSamples(data, Array.from({ length: settings.steps * settings.batchSize }, (_, i) => i % data.labels.length))
  return { spec, arch, shape: arch.transformer as TransformerShape, shard }
}

/** The raw loop: tf.variables, optimizer.minimize on transformerLoss, the loss read once at the end. */
export async function rawTrainer (backend: BackendName, { spec, shape, shard }: LmBenchJob): Promise<{ train: (steps: number) => Promise<number> }> {
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
    }
  }
}

/** Warms both up, then alternates them `reps` times and keeps the best of each. */
export async function bestOf (reps: number, steps: number, a: (steps: number) => Promise<number>, b: (steps: number) => Promise<number>): Promise<[number, number]> {
  await a(2)
  await b(2)
  let bestA = 0
  let bestB = 0
  for (let rep = 0; rep < reps; rep++) {
    bestA = Math.max(bestA, await a(steps))
    bestB = Math.max(bestB, await b(steps))
  }
  return [bestA, bestB]
}
