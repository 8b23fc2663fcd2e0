/**
 * A model being trained on one shard, whatever its kind: trainShard's loop drives the steps and
 * reads losses, and this hides how a batch becomes a loss. A stack of layers is a tfjs Sequential
 * trained on class labels; the character transformer is a function of its weights trained on
 * next-token targets (src/train/lm/).
 */
import * as tf from '@tensorflow/tfjs'
import type { Architecture } from '../core/architecture.ts'
import type { WeightSet } from '../core/tensors.ts'
import { sampleCount, type Dataset } from './data/dataset.ts'
import { transformerTrainable } from './lm/transformerTrainable.ts'
import { buildModel, readWeights, writeWeights } from './model.ts'
import { makeOptimizer, type OptimizerSpec } from './optimizer.ts'

export interface Trainable {
  /** One step of the inner optimizer on the shard's samples at `positions`; loss and top-1 hits stay on the device. */
  step: (positions: Int32Array) => { loss: tf.Scalar, correct: tf.Scalar }
  /** predictions scored per sample: 1 for a classifier, the context for a transformer (one per token) */
  predictionsPerSample: number
  read: () => Promise<WeightSet>
  dispose: () => void
}

/** Starts training `weights` on `data`; `seed` drives dropout, so replicas take the same steps. */
export function createTrainable (arch: Architecture, weights: WeightSet, data: Dataset, training: OptimizerSpec, seed: number): Trainable {
  if (arch.transformer !== undefined) return transformerTrainable(arch.transformer, weights, data, training)
  const model = buildModel(arch, seed)
  const optimizer = makeOptimizer(training)
  const count = sampleCount(data)
  let xAll: tf.Tensor | undefined
  let yAll: tf.Tensor | undefined
  try {
    writeWeights(model, arch, weights)
    xAll = tf.tensor(data.x, [count, ...arch.inputShape])
    yAll = tf.tidy(() => tf.oneHot(tf.tensor1d(data.labels, 'int32'), arch.classes).toFloat())
  } catch (error) {
    tf.dispose([xAll, yAll].filter((t) => t !== undefined))
    model.dispose()
    optimizer.dispose()
    throw error
  }
  const x = xAll
  const y = yAll
  return {
    predictionsPerSample: 1,
    step (positions) {
      let correct: tf.Scalar | undefined
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(positions, 'int32')
        const xb = tf.gather(x, idx)
        const yb = tf.gather(y, idx)
        return optimizer.minimize(() => {
          const pred = model.apply(xb, { training: true }) as tf.Tensor
          correct = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(pred, -1), tf.argMax(yb, -1)), 'float32')))
          return tf.mean(tf.metrics.categoricalCrossentropy(yb, pred)) as tf.Scalar
        }, true) as tf.Scalar
      })
      return { loss, correct: correct as unknown as tf.Scalar }
    },
    read: async () => await readWeights(model),
    dispose () {
      optimizer.dispose()
      model.dispose()
      tf.dispose([x, y])
    }
  }
}
