import * as tf from '@tensorflow/tfjs'
import { describe, expect, it } from 'vitest'
import { architectureFromSpec } from '../../core/architecture.ts'
import { parseTaskSpec } from '../../core/taskSpec.ts'
import { initialWeights } from '../../train/model.ts'
import { predictTfjs } from '../../train/predict.ts'
import { useNodeBackend } from '../../testing/mnist.ts'
import { tfjsModelFiles } from './tfjsExport.ts'

describe('tfjsModelFiles', () => {
  it('writes files tf.loadLayersModel reads back into the same predictions', async () => {
    await useNodeBackend('cpu')
    const arch = architectureFromSpec({ template: 'cnn', inputShape: [8, 8, 1], classes: 3, hidden: [5], filters: [2], kernelSize: 3, activation: 'relu' })
    arch.layers.splice(arch.layers.length - 1, 0, { kind: 'dropout', name: 'drop', rate: 0.5 })
    const weights = await initialWeights(arch, 7)
    const files = await tfjsModelFiles(arch, weights, 'version-1.weights.bin')
    const json = JSON.parse(files.modelJson) as tf.io.ModelJSON
    expect(json.weightsManifest[0]?.paths).toEqual(['version-1.weights.bin'])
    const model = await tf.loadLayersModel(tf.io.fromMemory({
      modelTopology: json.modelTopology, weightSpecs: json.weightsManifest[0]?.weights, weightData: files.weights.slice().buffer
    }))
    const x = Float32Array.from({ length: 2 * 64 }, (_, i) => (i % 13) / 13)
    const loaded = await (model.predict(tf.tensor(x, [2, 8, 8, 1])) as tf.Tensor).data()
    const expected = await predictTfjs(arch, weights, x)
    expect(loaded).toHaveLength(expected.length)
    expect(Math.max(...Array.from(loaded, (v, i) => Math.abs(v - (expected[i] as number))))).toBeLessThan(1e-6)
    model.dispose()
  })

  it('writes a transformer\'s weights with a manifest tf.io.decodeWeights reads back by name', async () => {
    await useNodeBackend('cpu')
    const arch = architectureFromSpec(parseTaskSpec({ model: { template: 'char-transformer', preset: 'tiny', vocabulary: ['a', 'b', 'c'] }, seed: 1 }).model)
    const weights = await initialWeights(arch, 3)
    const files = await tfjsModelFiles(arch, weights, 'version-2.weights.bin')
    const json = JSON.parse(files.modelJson) as { format: string, modelTopology: unknown, weightsManifest: tf.io.WeightsManifestConfig }
    expect(json.format).toBe('mlbridge-char-transformer')
    expect(json.modelTopology).toEqual({ transformer: arch.transformer })
    const decoded = tf.io.decodeWeights(files.weights.slice().buffer, json.weightsManifest[0]?.weights ?? [])
    for (const w of weights) expect(decoded[w.name]?.dataSync()).toEqual(w.values)
    tf.dispose(Object.values(decoded))
  })
})
