/**
 * What `npm run bench -- lm` trains wherever it runs (a browser page in lmBench.ts, the headless
 * provider's path in node/bench/_lmNode.ts): the character transformer on Moby Dick windows, and
 * the raw loop to compare against: the shard's Trainable (tf.variables, Adam's minimize on the
 * same forward pass and batches as trainShard) stepped in a plain loop with the loss read once at
 * the end, with no comlink, no progress reports and no delta read back or encoded.
 */
import type * as tf from '@tensorflow/tfjs'
import { architectureFromSpec, type Architecture } from '../core/architecture.ts'
import { parseTaskSpec, TRANSFORMER_PRESETS, type TaskSpec, type TrainingSpec } from '../core/taskSpec.ts'
import type { WeightSet } from '../core/tensors.ts'
import { useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { selectSamples, type Dataset } from './data/dataset.ts'
import { textDataset } from './data/text.ts'
import { createTrainable } from './trainable.ts'
import { batchOrder } from './trainShard.ts'

export interface LmBenchSettings {
  preset: 'tiny' | 'small'
  steps: number
  batchSize: number
}

export interface LmBenchJob {
  spec: TaskSpec
  arch: Architecture
  context: number
  /** enough windows for `steps` batches */
  shard: Dataset
  /** the tokens one run of `steps` batches trains on */
  tokens: number
}

export function lmBenchJob (text: string, settings: LmBenchSettings): LmBenchJob {
  const { context } = TRANSFORMER_PRESETS[settings.preset]
  const { vocabulary, data } = textDataset(text.slice(0, 200_000), context)
  const spec = parseTaskSpec({
    model: { template: 'char-transformer', preset: settings.preset, vocabulary },
    training: { optimizer: 'adam', learningRate: 0.002, localSteps: settings.steps, batchSize: settings.batchSize },
    seed: 'lm-bench'
  })
  const shard = selectSamples(data, Array.from({ length: settings.steps * settings.batchSize }, (_, i) => i % data.labels.length))
  return { spec, arch: architectureFromSpec(spec.model), context, shard, tokens: settings.steps * settings.batchSize * context }
}

export interface RawLoopJob {
  backend: BackendName
  architecture: Architecture
  training: Pick<TrainingSpec, 'optimizer' | 'learningRate' | 'batchSize'>
  weights: WeightSet
  shard: Dataset
  steps: number
}

/** Tokens per second of `steps` raw steps on `backend` (registered already), set-up included as in a job. */
export async function rawLoopTokensPerSec ({ backend, architecture, training, weights, shard, steps }: RawLoopJob): Promise<number> {
  await useBackend(backend)
  const { batchSize } = training
  const started = performance.now()
  const trainable = createTrainable(architecture, weights, shard, training, 1)
  const order = batchOrder(shard.labels.length, batchSize, steps)
  try {
    let last: tf.Scalar | undefined
    for (let step = 0; step < steps; step++) {
      last?.dispose()
      const { loss, correct } = trainable.step(order.subarray(step * batchSize, (step + 1) * batchSize))
      correct.dispose()
      last = loss
    }
    await last?.data()
    last?.dispose()
    return (steps * batchSize * (architecture.inputShape[0] as number)) / ((performance.now() - started) / 1000)
  } finally {
    trainable.dispose()
  }
}

/**
 * Runs each once to warm up (timings settle only once WASM has tiered up in every realm), then
 * all of them in turn `reps` times, and keeps the best of each.
 */
export async function bestOf (reps: number, runners: Array<() => Promise<number>>): Promise<number[]> {
  for (const run of runners) await run()
  const best = runners.map(() => 0)
  for (let rep = 0; rep < reps; rep++) {
    for (const [i, run] of runners.entries()) best[i] = Math.max(best[i] as number, await run())
  }
  return best
}
