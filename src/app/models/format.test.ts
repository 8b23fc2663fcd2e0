import { describe, expect, it } from 'vitest'
import { formatBps, formatFraction, formatLoss, isZeroHash, shortHex } from './format.ts'

describe('format', () => {
  it('writes basis points and fractions as percentages with one decimal', () => {
    expect(formatBps(9120)).toBe('91.2%')
    expect(formatBps(0)).toBe('0.0%')
    expect(formatBps(10_000)).toBe('100.0%')
    expect(formatFraction(0.912)).toBe('91.2%')
    expect(formatFraction(912 / 1000)).toBe(formatBps(9120))
  })

  it('unscales the loss', () => {
    expect(formatLoss(345_678n)).toBe('0.3457')
  })

  it('shortens long hex and spots zero hashes', () => {
    expect(shortHex('0x' + 'ab'.repeat(32))).toBe('0xababab…ababab')
    expect(shortHex('0x1234')).toBe('0x1234')
    expect(isZeroHash('0x' + '0'.repeat(64))).toBe(true)
    expect(isZeroHash('0x01')).toBe(false)
  })
})
