import { describe, expect, it } from 'vitest'
import { outerStep } from './outer.ts'
import { WeightSetMismatchError, type WeightSet } from './tensors.ts'
import { randomWeights, SMALL_LAYOUT } from '../testing/randomWeights.ts'

function vector (values: number[]): WeightSet {
  return [{ name: 'v', shape: [values.length], values: Float32Array.from(values) }]
}

const spec = { learningRate: 0.5, momentum: 0.9 }

describe('outerStep', () => {
  it('applies Nesterov momentum: m <- mu m + d, theta <- theta - lr (d + mu m)', () => {
    const first = outerStep(vector([1, -2]), vector([0.5, 1]), null, spec)
    expect([...first.momentum[0]!.values]).toEqual([0.5, 1])
    // theta - 0.5 * (d + 0.9 * m): 1 - 0.5 * 0.95 = 0.525, -2 - 0.5 * 1.9 = -2.95
    expect([...first.params[0]!.values]).toEqual([Math.fround(0.525), Math.fround(-2.95)])
    const second = outerStep(first.params, vector([0.5, 0]), first.momentum, spec)
    expect([...second.momentum[0]!.values]).toEqual([Math.fround(0.95), Math.fround(0.9)])
    expect(second.params[0]!.values[1]).toBe(Math.fround(Math.fround(-2.95) - 0.5 * (0 + 0.9 * Math.fround(0.9))))
  })

  it('with plain SGD settings (mu = 0) steps by -lr * delta', () => {
    const { params } = outerStep(vector([1]), vector([0.25]), null, { learningRate: 1, momentum: 0 })
    expect(params[0]!.values[0]).toBe(0.75)
  })

  it('is a pure function: same inputs, same bytes, inputs untouched', () => {
    const params = randomWeights(1, SMALL_LAYOUT)
    const delta = randomWeights(2, SMALL_LAYOUT, 0.01)
    const momentum = randomWeights(3, SMALL_LAYOUT, 0.01)
    const before = JSON.stringify([params, delta, momentum].map((set) => set.map((t) => [...t.values])))
    const a = outerStep(params, delta, momentum, spec)
    expect(outerStep(params, delta, momentum, spec)).toEqual(a)
    expect(JSON.stringify([params, delta, momentum].map((set) => set.map((t) => [...t.values])))).toBe(before)
  })

  it('refuses a delta or momentum that does not match the params', () => {
    expect(() => outerStep(vector([1, 2]), vector([1]), null, spec)).toThrow(WeightSetMismatchError)
    expect(() => outerStep(vector([1]), vector([1]), vector([1, 2]), spec)).toThrow(/momentum and params differ/)
  })
})
