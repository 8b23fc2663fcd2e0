/** tfjs inference for a model version: what the ONNX export is checked against. */
import * as tf from '@tensorflow/tfjs'
import type { WeightSet } from '../core/tensors.ts'
import type { Architecture } from '../core/architecture.ts'
import { buildModel, writeWeights } from './model.ts'
import { transformerLogits } from './lm/transformer.ts'
import { transformerParams } from './lm/transformerTrainable.ts'

/**
 * Probabilities for `x` laid out as `arch.inputShape` per sample: per class for a classifier, per
 * position and token ([count, context, vocab]) for a transformer.
 */
export async function predictTfjs (arch: Architecture, weights: WeightSet, x: Float32Array, batchSize = 256): Promise<Float32Array> {
  if (arch.transformer !== undefined) return await predictTransformer(arch, weights, x, batchSize, true)
  const model = buildModel(arch, 0)
  try {
    writeWeights(model, arch, weights)
    const size = arch.inputShape.reduce((a, b) => a * b, 1)
    const count = x.length / size
    const out = new Float32Array(count * arch.classes)
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start)
      const probs = tf.tidy(() => model.predict(tf.tensor(x.subarray(start * size, (start + n) * size), [n, ...arch.inputShape])) as tf.Tensor)
      out.set(await probs.data() as Float32Array, start * arch.classes)
      probs.dispose()
    }
    return out
  } finally {
    model.dispose()
  }
}

/** A transformer's probabilities (or logits, when `probabilities` is false), [count, context, vocab]. */
export async function predictTransformer (arch: Architecture, weights: WeightSet, x: Float32Array, batchSize = 32, probabilities = false): Promise<Float32Array> {
  const shape = arch.transformer
  if (shape === undefined) throw new TypeError('predictTransformer needs a transformer architecture')
  const params = transformerParams(shape, weights)
  try {
    const t = shape.context
    const count = x.length / t
    const out = new Float32Array(count * t * shape.vocab)
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start)
      const result = tf.tidy(() => {
        const logits = transformerLogits(shape, params, tf.tensor2d(Int32Array.from(x.subarray(start * t, (start + n) * t)), [n, t], 'int32'))
        return probabilities ? tf.softmax(logits) : logits
      })
      out.set(await result.data() as Float32Array, start * t * shape.vocab)
      result.dispose()
    }
    return out
  } finally {
    tf.dispose(Object.values(params))
  }
}
