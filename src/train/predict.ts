/** tfjs inference for a model version: what the ONNX export is checked against. */
import * as tf from '@tensorflow/tfjs'
import type { WeightSet } from '../core/tensors.ts'
import type { Architecture } from '../core/architecture.ts'
import { buildModel, writeWeights } from './model.ts'

export async function predictTfjs (arch: Architecture, weights: WeightSet, x: Float32Array, batchSize = 256): Promise<Float32Array> {
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
