import { describe, expect, it } from 'vitest'
import { DEFAULT_BACKOFF, retryDelayMs } from './backoff.ts'

describe('retryDelayMs', () => {
  it('doubles from the base up to the cap, half of each step fixed and half random', () => {
    const low = (attempt: number): number => retryDelayMs(attempt, DEFAULT_BACKOFF, () => 0)
    const high = (attempt: number): number => retryDelayMs(attempt, DEFAULT_BACKOFF, () => 0.999999)
    expect([1, 2, 3, 4].map(low)).toEqual([500, 1000, 2000, 4000])
    expect([1, 2, 3, 4].map(high)).toEqual([1000, 2000, 4000, 8000])
    expect(low(30)).toBe(DEFAULT_BACKOFF.maxMs / 2)
    expect(high(30)).toBe(DEFAULT_BACKOFF.maxMs)
  })

  it('spreads retries between those bounds', () => {
    const delays = Array.from({ length: 200 }, () => retryDelayMs(3, { baseMs: 100, maxMs: 10_000 }))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(200)
    expect(Math.max(...delays)).toBeLessThanOrEqual(400)
    expect(new Set(delays).size).toBeGreaterThan(20)
  })
})
