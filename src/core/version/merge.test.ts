import { describe, expect, it } from 'vitest'
import { architectureFromSpec, weightLayout } from '../architecture.ts'
import type { WeightSet } from '../tensors.ts'
import { decodeVersion } from './blob.ts'
import { mergedVersion, mergeIncompatibility, type MergeShape } from './merge.ts'
import { versionMetrics } from './metrics.ts'

const set = (w: number[], b: number[]): WeightSet => [
  { name: 'w', shape: [2, 2], values: Float32Array.from(w) },
  { name: 'b', shape: [2], values: Float32Array.from(b) }
]

const shape = (hidden: number[], activation: 'relu' | 'tanh' = 'relu'): MergeShape => {
  const architecture = architectureFromSpec({ template: 'mlp', inputShape: [784], classes: 10, hidden, activation })
  return { architecture, layout: weightLayout(architecture) }
}

describe('mergedVersion', () => {
  it('averages tensor by tensor with the head\'s weight, in f64 rounded once to f32, and encodes the result without momentum', () => {
    const head = set([1, 2, 3, 4], [0.1, -1])
    const other = set([3, 2, 1, 0], [0.3, 1])
    const merged = mergedVersion(head, other, 0.75)
    expect(merged.weights.map((t) => [t.name, t.shape, Array.from(t.values)])).toEqual([
      ['w', [2, 2], [1.5, 2, 2.5, 3]],
      ['b', [2], [Math.fround(0.75 * Math.fround(0.1) + 0.25 * Math.fround(0.3)), -0.5]]
    ])
    const decoded = decodeVersion(merged.bytes)
    expect(decoded.momentum).toBeNull()
    expect(decoded.weights).toEqual(merged.weights)
  })

  it('gives a parent back at weight 1 or 0, and changes with the weight', () => {
    const head = set([1, 2, 3, 4], [5, 6])
    const other = set([-1, 0, 1, 2], [3, 3])
    expect(mergedVersion(head, other, 1).weights).toEqual(head)
    expect(mergedVersion(head, other, 0).weights).toEqual(other)
    expect(mergedVersion(head, other, 0.5).bytes).not.toEqual(mergedVersion(head, other, 0.4).bytes)
  })

  it('refuses mismatched shapes, names or tensor counts, naming the tensor', () => {
    const head = set([1, 2, 3, 4], [5, 6])
    expect(() => mergedVersion(head, [head[0]!, { name: 'b', shape: [3], values: new Float32Array(3) }], 0.5))
      .toThrow('cannot average the two versions: the other version\'s weights differ from the head\'s: wrong shape for tensor "b": expected [2], got [3]')
    expect(() => mergedVersion(head, [head[0]!], 0.5)).toThrow('expected 2 tensors, got 1')
    expect(() => mergedVersion(head, [head[0]!, { ...head[1]!, name: 'bias' }], 0.5)).toThrow('tensor 1 is named "bias", expected "b"')
  })

  it('refuses a weight outside 0…1', () => {
    const head = set([1, 2, 3, 4], [5, 6])
    for (const weight of [-0.1, 1.5, Number.NaN]) expect(() => mergedVersion(head, head, weight)).toThrow(`the head's weight in a merge must be from 0 to 1, got ${weight}`)
  })
})

describe('mergeIncompatibility', () => {
  it('accepts the same architecture', () => {
    expect(mergeIncompatibility(shape([32]), shape([32]))).toBeNull()
  })

  it('names the first weight that differs', () => {
    expect(mergeIncompatibility(shape([32]), shape([16]))).toBe('its weights differ from the head\'s: wrong shape for tensor "hidden1/kernel": expected [784, 32], got [784, 16]')
    expect(mergeIncompatibility(shape([32]), shape([32, 16]))).toBe('its weights differ from the head\'s: expected 4 tensors, got 6')
  })

  it('refuses the same weight shapes under other layers', () => {
    expect(mergeIncompatibility(shape([32]), shape([32], 'tanh'))).toBe('its weight shapes match the head\'s, but its layers (activations, input or pooling) differ')
  })
})

describe('versionMetrics', () => {
  it('records accuracy in basis points and loss × 1e6, clamped', () => {
    expect(versionMetrics({ accuracy: 0.91234, loss: 0.3 })).toEqual({ accuracyBps: 9123, loss: 300000n })
    expect(versionMetrics({ accuracy: 1.2, loss: -1 })).toEqual({ accuracyBps: 10_000, loss: 0n })
    expect(versionMetrics({ accuracy: -0.1, loss: 2.3025851 })).toEqual({ accuracyBps: 0, loss: 2302585n })
  })
})
