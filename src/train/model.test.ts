import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { architectureFromSpec, layersFromTfjsJson, ModelSpecError, weightLayout } from '../core/architecture.ts'
import { WeightMismatchError } from './errors.ts'
import { buildModel, initialWeights, readWeights, writeWeights } from './model.ts'
import { useNodeBackend } from '../testing/mnist.ts'

const archOf = (model: unknown): ReturnType<typeof architectureFromSpec> => architectureFromSpec(parseTaskSpec({ model, seed: 1 }).model)

describe('architectureFromSpec', () => {
  beforeAll(async () => { await useNodeBackend('cpu') })

  it('builds each template with the weight layout tfjs gives it', async () => {
    for (const model of [
      { template: 'mlp', inputShape: [28, 28, 1], classes: 10 },
      { template: 'cnn', inputShape: [28, 28, 1], classes: 10 },
      { template: 'tabular-mlp', inputShape: [5], classes: 3, activation: 'tanh' }
    ]) {
      const arch = archOf(model)
      const tfModel = buildModel(arch, 1)
      const weights = await readWeights(tfModel)
      tfModel.dispose()
      expect(weights.map(({ name, shape }) => ({ name, shape }))).toEqual(weightLayout(arch))
    }
    expect(weightLayout(archOf({ template: 'cnn', inputShape: [28, 28, 1], classes: 10 })).map((w) => `${w.name}[${w.shape.join(',')}]`)).toEqual([
      'conv1/kernel[3,3,1,8]', 'conv1/bias[8]', 'conv2/kernel[3,3,8,16]', 'conv2/bias[16]', 'hidden1/kernel[784,64]', 'hidden1/bias[64]', 'output/kernel[64,10]', 'output/bias[10]'
    ])
  })

  it('reads a tfjs model.toJSON() topology', () => {
    const source = tf.sequential({
      layers: [
        tf.layers.conv2d({ name: 'c1', inputShape: [8, 8, 1], filters: 2, kernelSize: 3, padding: 'same', activation: 'relu' }),
        tf.layers.maxPooling2d({ name: 'p1', poolSize: 2 }),
        tf.layers.flatten({ name: 'f' }),
        tf.layers.dropout({ name: 'd', rate: 0.5 }),
        tf.layers.dense({ name: 'out', units: 4, activation: 'softmax' })
      ]
    })
    const arch = archOf({ layers: source.toJSON(null, false), inputShape: [8, 8, 1], classes: 4 })
    source.dispose()
    expect(arch.layers.map((l) => l.kind)).toEqual(['conv2d', 'maxPooling2d', 'flatten', 'dropout', 'dense'])
    expect(weightLayout(arch).map((w) => w.shape)).toEqual([[3, 3, 1, 2], [2], [32, 4], [4]])
  })

  it('names the layer it cannot handle', () => {
    expect(() => layersFromTfjsJson([{ class_name: 'Dense', config: { units: 3 } }, { class_name: 'LSTM', config: {} }])).toThrow('model.layers[1] (LSTM): layer type LSTM is not supported')
    expect(() => layersFromTfjsJson([{ class_name: 'Dense', config: { units: 3, activation: 'elu' } }])).toThrow('model.layers[0] (Dense): activation "elu" is not supported')
    expect(() => layersFromTfjsJson({ class_name: 'Functional', config: {} })).toThrow(ModelSpecError)
    expect(() => archOf({ layers: { config: { layers: [{ class_name: 'Dense', config: { units: 3, activation: 'softmax' } }] } }, inputShape: [4], classes: 10 })).toThrow('outputs [3] per sample but the task has 10 classes')
    expect(() => archOf({ layers: { config: { layers: [{ class_name: 'Dense', config: { units: 10 } }] } }, inputShape: [4], classes: 10 })).toThrow('softmax')
    expect(() => archOf({ layers: { config: { layers: [{ class_name: 'Conv2D', config: { filters: 2, kernel_size: 3 } }] } }, inputShape: [4], classes: 10 })).toThrow('needs [height, width, channels] input')
  })

  it('refuses weights of the wrong shape, naming the tensor', async () => {
    const arch = archOf({ template: 'mlp', inputShape: [4], classes: 2, hidden: [3] })
    const weights = await initialWeights(arch, 1)
    const model = buildModel(arch, 2)
    const wrong = weights.map((w, i) => i === 2 ? { ...w, shape: [2, 3], values: w.values } : w)
    expect(() => writeWeights(model, arch, wrong)).toThrow(WeightMismatchError)
    expect(() => writeWeights(model, arch, wrong)).toThrow('output/kernel')
    writeWeights(model, arch, weights)
    expect(await readWeights(model)).toEqual(weights)
    model.dispose()
  })
})
