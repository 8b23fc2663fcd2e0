import { describe, expect, it } from 'vitest'
import { counterHash, deriveSeed, Rng } from './random.ts'

describe('deriveSeed', () => {
  it('is pinned, so a change to the derivation (which would change every task) is caught', () => {
    expect(deriveSeed('task', 'sample', 0)).toBe(GOLDEN.sample)
    expect(deriveSeed(7, 'step', 3, 1)).toBe(GOLDEN.step)
  })

  it('tells apart parts that concatenate alike and numbers from strings', () => {
    const seeds = [
      deriveSeed('ab', 'c'), deriveSeed('a', 'bc'), deriveSeed('abc'), deriveSeed(1), deriveSeed('1'),
      deriveSeed('t', 1, 23), deriveSeed('t', 12, 3), deriveSeed('t', 123)
    ]
    expect(new Set(seeds).size).toBe(seeds.length)
  })

  it('rejects numbers that are not uint32', () => {
    expect(() => deriveSeed(1.5)).toThrow(RangeError)
    expect(() => deriveSeed('t', -1)).toThrow(RangeError)
  })

  it('spreads consecutive rounds over the whole uint32 range', () => {
    const seeds = Array.from({ length: 1000 }, (_, round) => deriveSeed('task', 'sample', round))
    expect(new Set(seeds).size).toBe(1000)
    const high = seeds.filter((seed) => seed >= 2 ** 31).length
    expect(high).toBeGreaterThan(430)
    expect(high).toBeLessThan(570)
  })
})

describe('Rng', () => {
  it('reproduces xoshiro128** sequences from a seed, pinned', () => {
    const a = new Rng(123)
    const b = new Rng(123)
    const first = Array.from({ length: 4 }, () => a.nextUint32())
    expect(first).toEqual(Array.from({ length: 4 }, () => b.nextUint32()))
    expect(first).toEqual(GOLDEN.rng)
    expect(new Rng(124).nextUint32()).not.toBe(first[0])
  })

  it('draws unbiased bounded integers and uniform floats', () => {
    const rng = new Rng(5)
    const counts = new Array<number>(6).fill(0)
    for (let i = 0; i < 60_000; i++) counts[rng.nextInt(6)]!++
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500)
    let sum = 0
    for (let i = 0; i < 10_000; i++) {
      const x = rng.nextFloat()
      expect(x).toBeGreaterThanOrEqual(0)
      expect(x).toBeLessThan(1)
      sum += x
    }
    expect(Math.abs(sum / 10_000 - 0.5)).toBeLessThan(0.01)
    expect(() => rng.nextInt(0)).toThrow(RangeError)
  })

  it('draws standard normals', () => {
    const rng = new Rng(6)
    let sum = 0
    let squares = 0
    for (let i = 0; i < 20_000; i++) {
      const x = rng.nextNormal()
      sum += x
      squares += x * x
    }
    expect(Math.abs(sum / 20_000)).toBeLessThan(0.03)
    expect(Math.abs(squares / 20_000 - 1)).toBeLessThan(0.05)
  })
})

describe('counterHash', () => {
  it('gives balanced, independent-looking bits per counter', () => {
    let ones = 0
    let agree = 0
    for (let counter = 0; counter < 4000; counter++) {
      const word = counterHash(99, counter)
      for (let bit = 0; bit < 32; bit++) ones += (word >>> bit) & 1
      agree += 32 - popcount(word ^ counterHash(100, counter))
    }
    expect(Math.abs(ones / (4000 * 32) - 0.5)).toBeLessThan(0.01)
    expect(Math.abs(agree / (4000 * 32) - 0.5)).toBeLessThan(0.01)
  })
})

function popcount (x: number): number {
  let count = 0
  for (; x !== 0; x >>>= 1) count += x & 1
  return count
}

const GOLDEN = { sample: 383901847, step: 1155974663, rng: [3080223313, 3207074256, 464453877, 2775842344] }
