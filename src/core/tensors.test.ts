import { describe, expect, it } from 'vitest'
import {
  addWeights, assertSameLayout, assertWellFormed, cloneWeights, firstNonFinite, l2Norm, layoutMismatch, layoutOf, sameLayout,
  scaleWeights, shapeSize, subtractWeights, totalSize, WeightSetMismatchError, zerosLike, type WeightSet
} from './tensors.ts'

const a: WeightSet = [
  { name: 'w', shape: [2, 2], values: Float32Array.from([1, 2, 3, 4]) },
  { name: 'b', shape: [1], values: Float32Array.from([0.1]) }
]
const b: WeightSet = [
  { name: 'w', shape: [2, 2], values: Float32Array.from([0.5, 0.5, 0.5, 0.5]) },
  { name: 'b', shape: [1], values: Float32Array.from([0.2]) }
]

describe('tensors', () => {
  it('sizes shapes and sets; a scalar has one value', () => {
    expect(shapeSize([3, 4, 5])).toBe(60)
    expect(shapeSize([])).toBe(1)
    expect(totalSize(a)).toBe(5)
  })

  it('subtracts and adds element-wise with one float32 rounding', () => {
    const delta = subtractWeights(a, b)
    expect([...delta[0]!.values]).toEqual([0.5, 1.5, 2.5, 3.5])
    expect(delta[1]!.values[0]).toBe(Math.fround(Math.fround(0.1) - Math.fround(0.2)))
    expect(addWeights(delta, b)[0]!.values).toEqual(a[0]!.values)
    expect(scaleWeights(a, -2)[0]!.values).toEqual(Float32Array.from([-2, -4, -6, -8]))
  })

  it('computes the L2 norm over every tensor', () => {
    expect(l2Norm(a)).toBeCloseTo(Math.sqrt(1 + 4 + 9 + 16 + Math.fround(0.1) ** 2), 12)
    expect(l2Norm(zerosLike(a))).toBe(0)
  })

  it('clones deeply', () => {
    const copy = cloneWeights(a)
    copy[0]!.values[0] = 99
    copy[0]!.shape[0] = 7
    expect(a[0]!.values[0]).toBe(1)
    expect(a[0]!.shape[0]).toBe(2)
  })

  it('explains layout mismatches by tensor', () => {
    expect(layoutMismatch(a, layoutOf(b))).toBeNull()
    expect(sameLayout(a, b)).toBe(true)
    expect(layoutMismatch(a, [{ name: 'w', shape: [4] }, { name: 'b', shape: [1] }])).toBe('wrong shape for tensor "w": expected [4], got [2, 2]')
    expect(layoutMismatch(a, [{ name: 'b', shape: [1] }, { name: 'w', shape: [2, 2] }])).toBe('tensor 0 is named "w", expected "b"')
    expect(layoutMismatch(a, [{ name: 'w', shape: [2, 2] }])).toBe('expected 1 tensors, got 2')
    expect(() => subtractWeights(a, b.slice(0, 1))).toThrow(WeightSetMismatchError)
    expect(() => assertSameLayout(a, [b[0]!, { ...b[1]!, values: new Float32Array(2) }])).toThrow('weight sets differ: tensor "b" has 2 values for shape [1]')
  })

  it('checks that names are unique and value counts match shapes', () => {
    expect(() => assertWellFormed(a)).not.toThrow()
    expect(() => assertWellFormed([a[0]!, a[0]!])).toThrow('weight set: duplicate tensor name "w"')
    expect(() => assertWellFormed([{ name: 'x', shape: [3], values: new Float32Array(2) }])).toThrow(/2 values for shape \[3\]/)
    expect(() => assertWellFormed([{ name: 'x', shape: [-1], values: new Float32Array(0) }])).toThrow(/bad shape/)
  })

  it('finds the first non-finite value', () => {
    expect(firstNonFinite(a)).toBeNull()
    const bad = cloneWeights(a)
    bad[1]!.values[0] = Number.NEGATIVE_INFINITY
    expect(firstNonFinite(bad)).toEqual({ name: 'b', index: 0 })
  })
})
