/**
 * The raw training loop of `npm run bench -- lm`: the shard's Trainable (tf.variables, Adam's
 * minimize on the same forward pass and batches as trainShard) stepped in a plain loop with the
 * loss read once at the end: no comlink, no progress reports, no delta read back or encoded.
 */
import type * as tf from '@tensorflow/tfjs'
import type { Architecture } from '../core/architecture.ts'
import type { TrainingSpec } from '../core/taskSpec.ts'
import type { WeightSet } from '../core/tensors.ts'
import { useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import type { Dataset } from './data/dataset.ts'
import { createTrainable } from './trainable.ts'
import { batchOrder } from './trainShard.ts'

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
