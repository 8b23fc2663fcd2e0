import { describe, expect, it } from 'vitest'
import { parseTaskSpec } from '../../core/taskSpec.ts'
import { architectureFromSpec, type Architecture } from '../../core/architecture.ts'
import { WeightMismatchError } from '../errors.ts'
import { maxAbsDiff } from '../../testing/maxAbsDiff.ts'
import { initialWeights } from '../model.ts'
import { predictTfjs } from '../predict.ts'
import { scorePredictions } from '../scores.ts'
import { mnistShard, mnistSplit, useNodeBackend } from '../../testing/mnist.ts'
import { trainShard } from '../trainShard.ts'
import { decodeDelta } from '../../core/delta/codec.ts'
import { weightLayout } from '../../core/architecture.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { exportOnnx } from './exportOnnx.ts'
import { createOnnxSession, predictOnnx } from './runOnnx.ts'

function argMax (row: Float32Array): number {
  return row.indexOf(Math.max(...row))
}

/** A briefly trained version, so the comparison is not on near-uniform outputs. */
async function trainedVersion (arch: Architecture): Promise<WeightSet> {
  const weights = await initialWeights(arch, 11)
  const { delta } = await trainShard({ architecture: arch, training: { optimizer: 'adam', learningRate: 0.01, localSteps: 20, batchSize: 32 }, weights, data: await mnistShard(640), seed: 5, scheme: 'float32' })
  const d = decodeDelta(delta, { expected: weightLayout(arch), maxBytes: 1 << 24 })
  return weights.map((w, i) => ({ ...w, values: w.values.map((v, j) => v - (d[i]?.values[j] ?? 0)) }))
}

const models = {
  mlp: { template: 'mlp', inputShape: [784], classes: 10, hidden: [32] },
  cnn: { template: 'cnn', inputShape: [28, 28, 1], classes: 10, filters: [4, 8], hidden: [16] },
  // A hand-written tfjs layers JSON: valid-padded stride-2 conv, same-padded pool, dropout, tanh.
  layers: {
    inputShape: [28, 28, 1],
    classes: 10,
    layers: {
      class_name: 'Sequential',
      config: {
        layers: [
          { class_name: 'Conv2D', config: { name: 'c', filters: 3, kernel_size: [5, 4], strides: 2, padding: 'valid', activation: 'tanh' } },
          { class_name: 'MaxPooling2D', config: { name: 'p', pool_size: 3, strides: 2, padding: 'same' } },
          { class_name: 'Dropout', config: { name: 'd', rate: 0.25 } },
          { class_name: 'Flatten', config: { name: 'f' } },
          { class_name: 'Dense', config: { name: 'out', units: 10, activation: 'softmax' } }
        ]
      }
    }
  }
} as const

describe('ONNX export', () => {
  for (const [name, model] of Object.entries(models)) {
    it(`${name}: ONNX Runtime and tfjs agree on the 1,000 held-out digits (max abs diff <= 1e-4)`, async () => {
      const spec = parseTaskSpec({ model, seed: 1 })
      const arch = architectureFromSpec(spec.model)
      // tfjs's WASM backend cannot train convolutions (no Conv2DBackpropFilter kernel) and the CPU
      // backend takes seconds to: convolutional models are compared on their seeded initial weights.
      const convolutional = arch.layers.some((l) => l.kind === 'conv2d')
      await useNodeBackend('wasm')
      const weights = convolutional ? await initialWeights(arch, 11) : await trainedVersion(arch)
      const { test } = await mnistSplit()
      const expected = await predictTfjs(arch, weights, test.x)
      const { session, provider } = await createOnnxSession(exportOnnx(arch, weights))
      const actual = await predictOnnx(session, test.x, arch.inputShape)
      await session.release()
      expect(provider).toBe('wasm')
      const diff = maxAbsDiff(expected, actual)
      console.log(`${name}: tfjs vs ORT max abs diff ${diff.toExponential(2)}`)
      expect(diff).toBeLessThanOrEqual(1e-4)
      const tfScores = scorePredictions(expected, test.labels, 10)
      expect(scorePredictions(actual, test.labels, 10).accuracy).toBeCloseTo(tfScores.accuracy, 2)
      if (!convolutional) expect(tfScores.accuracy).toBeGreaterThan(0.5)
      // Outputs that pick many different classes: the comparison is not on a near-constant function.
      expect(new Set(Array.from({ length: 1000 }, (_, i) => argMax(actual.subarray(i * 10, i * 10 + 10)))).size).toBeGreaterThanOrEqual(3)
    }, 20_000)
  }

  it('refuses weights that do not fit the architecture', async () => {
    const arch = architectureFromSpec(parseTaskSpec({ model: models.mlp, seed: 1 }).model)
    const weights = await initialWeights(arch, 1)
    expect(() => exportOnnx(arch, weights.slice(1))).toThrow(WeightMismatchError)
  })
})
