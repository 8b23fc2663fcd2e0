import { describe, expect, it } from 'vitest'
import { bitCount, bitsOf, fullMask, hasBit, withBit } from './bitmask.ts'

describe('bitmask', () => {
  it('sets, tests and counts replica slots', () => {
    expect(fullMask(0)).toBe(0)
    expect(fullMask(3)).toBe(0b111)
    expect(withBit(0b001, 2)).toBe(0b101)
    expect(hasBit(0b101, 2)).toBe(true)
    expect(hasBit(0b101, 1)).toBe(false)
    expect(bitCount(0b1011)).toBe(3)
    expect(bitsOf(0b1010)).toEqual([1, 3])
    expect(bitsOf(0)).toEqual([])
  })
})
