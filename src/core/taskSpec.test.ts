import { describe, expect, it } from 'vitest'
import { defaultMnistSpec, InvalidTaskSpecError, parseTaskSpec } from './taskSpec.ts'

function issuesOf (json: unknown): string {
  try {
    parseTaskSpec(json, 'spec.json')
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidTaskSpecError)
    return (error as Error).message
  }
  throw new Error('expected the spec to be rejected')
}

describe('parseTaskSpec', () => {
  it('fills every default from a minimal template spec', () => {
    const spec = parseTaskSpec({ model: { template: 'cnn', inputShape: [28, 28, 1], classes: 10 }, seed: 7 })
    expect(spec.training).toEqual({ optimizer: 'adam', learningRate: 0.001, localSteps: 50, batchSize: 32, samplesPerShard: 512 })
    expect(spec.outer).toEqual({ learningRate: 0.7, momentum: 0.9, nesterov: true })
    expect(spec.aggregation.rule).toBe('mean')
    expect(spec.fingerprint).toEqual({ length: 32, resolution: 65536, tolerance: 2048 })
    expect(spec.validation).toEqual({ maxNormToMedian: 10 })
    expect(spec.model).toMatchObject({ template: 'cnn', hidden: [64], filters: [8, 16], kernelSize: 3, activation: 'relu' })
    expect(spec.dataset).toEqual({ name: 'mnist', holdoutFraction: 0.1 })
  })

  it('accepts a tfjs layers topology', () => {
    const spec = parseTaskSpec({ model: { layers: { class_name: 'Sequential', config: {} }, inputShape: [4], classes: 3 }, seed: 'x' })
    expect('layers' in spec.model && spec.model.layers.class_name).toBe('Sequential')
  })

  it('names every bad field with its path', () => {
    const message = issuesOf({
      model: { template: 'mlp', inputShape: [0], classes: 1 },
      training: { optimizer: 'rmsprop', batchSize: 2.5 },
      outer: { nesterov: false },
      aggregation: { trimFraction: 0.5 },
      fingerprint: { length: 65, tolerance: -1 },
      seed: -3
    })
    expect(message).toContain('spec.json')
    for (const path of ['model.inputShape.0', 'model.classes', 'training.optimizer', 'training.batchSize', 'outer.nesterov',
      'aggregation.trimFraction', 'fingerprint.length', 'fingerprint.tolerance', 'seed']) {
      expect(message).toContain(`${path}:`)
    }
  })

  it('names the fields of the model shape the author meant', () => {
    expect(issuesOf({ model: { layers: 'nope', inputShape: [4], classes: 3 }, seed: 1 })).toContain('model.layers:')
    expect(issuesOf({ model: { template: 'svm', inputShape: [4], classes: 3 }, seed: 1 })).toContain('model.template:')
    expect(issuesOf({ model: { template: 'cnn', inputShape: [784], classes: 10 }, seed: 1 })).toContain('model.inputShape: a cnn needs')
    expect(issuesOf({ model: { template: 'mlp', inputShape: [784], classes: 10, kernelSize: 3 }, seed: 1 })).toContain('model.kernelSize:')
  })

  it('rejects unknown keys so typos do not fall back to defaults', () => {
    expect(issuesOf({ model: { template: 'mlp', inputShape: [4], classes: 3 }, training: { learningrate: 0.1 }, seed: 1 }))
      .toMatch(/training: .*learningrate/)
  })

  it('requires a seed', () => {
    expect(issuesOf({ model: { template: 'mlp', inputShape: [4], classes: 3 } })).toContain('seed:')
  })
})

describe('defaultMnistSpec', () => {
  it('is the bundled MNIST MLP', () => {
    const spec = defaultMnistSpec()
    expect(spec.model).toMatchObject({ template: 'mlp', inputShape: [784], classes: 10, hidden: [128] })
    expect(spec.seed).toBe('mlbridge-mnist-mlp')
  })
})
