import { describe, expect, it } from 'vitest'
import { columnScale, scaleRow, scaledFeature } from './tableScale.ts'

describe('columnScale', () => {
  it('is the mean and population spread; a constant column spreads by 1', () => {
    expect(columnScale(Float32Array.from([1, 3, 5, 7]))).toEqual({ mean: 4, std: Math.sqrt(5) })
    expect(columnScale(Float32Array.from([2, 2, 2]))).toEqual({ mean: 2, std: 1 })
  })
})

describe('scaleRow', () => {
  const scale = { mean: [4, 10], std: [2, 0.5] }

  it('z-scores each value with its own column', () => {
    expect([...scaleRow([6, 9], scale)]).toEqual([1, -2])
  })

  it('reads values as float32 first, as the packer held the table', () => {
    // 0.1 is not a float32: its float32 neighbour minus 0.1 is not 0
    const one = { mean: [0.1], std: [1] }
    expect(scaledFeature(0.1, one, 0)).toBe(Math.fround(0.1) - 0.1)
    expect(scaledFeature(0.1, one, 0)).not.toBe(0)
  })

  it('refuses a row of another width', () => {
    expect(() => scaleRow([1], scale)).toThrow('the table has 2 feature columns, the row has 1 values')
  })
})
