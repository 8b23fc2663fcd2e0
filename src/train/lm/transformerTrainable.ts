/** The character transformer as a Trainable: one variable per weight, next-token targets per window. */
import * as tf from '@tensorflow/tfjs'
import { transformerLayout, type TransformerShape } from '../../core/transformer.ts'
import { layoutMismatch, type WeightSet } from '../../core/tensors.ts'
import { sampleCount, type Dataset } from '../data/dataset.ts'
import { windowTargets } from '../data/text.ts'
import { TrainError, WeightMismatchError } from '../errors.ts'
import { makeOptimizer, type OptimizerSpec } from '../optimizer.ts'
import type { Trainable } from '../trainable.ts'
import { transformerLoss, type TransformerParams } from './transformer.ts'

/** Checks the weights against the transformer's layout: same names, order and shapes, nothing extra. */
export function checkTransformerWeights (shape: TransformerShape, weights: WeightSet): void {
  const problem = layoutMismatch(weights, transformerLayout(shape))
  if (problem !== null) throw new WeightMismatchError(`weights do not fit the model: ${problem}`)
}

/** The weights as tensors by name (variables when `trainable`); the caller disposes them. */
export function transformerParams (shape: TransformerShape, weights: WeightSet, trainable = false): TransformerParams {
  checkTransformerWeights(shape, weights)
  return Object.fromEntries(weights.map((w) => {
    const t = tf.tensor(w.values, w.shape)
    if (!trainable) return [w.name, t]
    const v = tf.variable(t, true)
    t.dispose()
    return [w.name, v]
  }))
}

/** A token id outside the vocabulary would embed as zeros and train on nothing: refuse it instead. */
function checkTokens (shape: TransformerShape, data: Dataset): void {
  const bad = (v: number): boolean => !(Number.isInteger(v) && v >= 0 && v < shape.vocab)
  const at = data.x.findIndex(bad)
  if (at >= 0) throw new TrainError(`the shard's window ${Math.floor(at / shape.context)} holds token ${data.x[at]}, outside the vocabulary of ${shape.vocab}`)
  const label = data.labels.findIndex(bad)
  if (label >= 0) throw new TrainError(`the shard's window ${label} is followed by token ${data.labels[label]}, outside the vocabulary of ${shape.vocab}`)
}

export function transformerTrainable (shape: TransformerShape, weights: WeightSet, data: Dataset, training: OptimizerSpec): Trainable {
  checkTokens(shape, data)
  const params = transformerParams(shape, weights, true)
  const variables = Object.values(params) as tf.Variable[]
  const optimizer = makeOptimizer(training)
  const count = sampleCount(data)
  const tokens = tf.tensor2d(Int32Array.from(data.x), [count, shape.context], 'int32')
  const targets = tf.tensor2d(windowTargets(data, shape.context), [count, shape.context], 'int32')
  return {
    predictionsPerSample: shape.context,
    step (positions) {
      let correct: tf.Scalar | undefined
      const loss = tf.tidy(() => {
        const idx = tf.tensor1d(positions, 'int32')
        const xb = tf.gather(tokens, idx) as tf.Tensor2D
        const yb = tf.gather(targets, idx) as tf.Tensor2D
        return optimizer.minimize(() => {
          const out = transformerLoss(shape, params, xb, yb)
          correct = tf.keep(out.correct)
          return out.loss
        }, true, variables) as tf.Scalar
      })
      return { loss, correct: correct as unknown as tf.Scalar }
    },
    read: async () => await Promise.all(weights.map(async (w) => ({ name: w.name, shape: [...w.shape], values: new Float32Array(await (params[w.name] as tf.Tensor).data() as Float32Array) }))),
    dispose () {
      optimizer.dispose()
      tf.dispose([...variables, tokens, targets])
    }
  }
}
