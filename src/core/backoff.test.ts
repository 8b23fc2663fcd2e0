import { describe, expect, it } from 'vitest'
import { backoffDelay } from './backoff.ts'

describe('backoffDelay', () => {
  const b = { initialMs: 250, maxMs: 4000, factor: 2 }

  it('doubles from the initial wait up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => backoffDelay(n, b, () => 0.5))).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000])
  })

  it('spreads each wait by 20% either way, so clients refused together come back apart', () => {
    expect(backoffDelay(3, b, () => 0)).toBe(800)
    expect(backoffDelay(3, b, () => 0.999999)).toBe(1200)
  })
})
