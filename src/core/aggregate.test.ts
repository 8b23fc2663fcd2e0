import { describe, expect, it } from 'vitest'
import { aggregate, AggregationError, canonicalOrder, type AggregationRule, type Contribution } from './aggregate.ts'
import { Rng } from './random.ts'
import { l2Norm, scaleWeights, subtractWeights, type WeightSet } from './tensors.ts'
import { randomWeights, SMALL_LAYOUT } from '../testing/randomWeights.ts'

const rules: Record<AggregationRule['rule'], AggregationRule> = {
  mean: { rule: 'mean', trimFraction: 0.2, clipIterations: 3 },
  'trimmed-mean': { rule: 'trimmed-mean', trimFraction: 0.2, clipIterations: 3 },
  median: { rule: 'median', trimFraction: 0.2, clipIterations: 3 },
  'centered-clip': { rule: 'centered-clip', trimFraction: 0.2, clipIterations: 3 }
}

function vector (values: number[]): WeightSet {
  return [{ name: 'v', shape: [values.length], values: Float32Array.from(values) }]
}

function scalars (...values: number[]): Contribution[] {
  return values.map((value, i) => ({ id: `p${i}`, delta: vector([value]) }))
}

function first (set: WeightSet): number {
  return set[0]!.values[0]!
}

describe('aggregate', () => {
  it('means, trims and takes medians per coordinate', () => {
    const inputs = scalars(1, 2, 3, 4, 100)
    expect(first(aggregate(inputs, rules.mean))).toBe(22)
    // floor(0.2 * 5) = 1 dropped at each end: mean of 2, 3, 4.
    expect(first(aggregate(inputs, rules['trimmed-mean']))).toBe(3)
    expect(first(aggregate(inputs, rules.median))).toBe(3)
    expect(first(aggregate(scalars(4, 1, 3, 2), rules.median))).toBe(2.5)
  })

  it('works coordinate by coordinate across tensors', () => {
    const contributions = [1, 2, 3].map((k) => ({ id: `p${k}`, delta: scaleWeights(randomWeights(1, SMALL_LAYOUT), k) }))
    const base = randomWeights(1, SMALL_LAYOUT)
    for (const rule of ['mean', 'median', 'trimmed-mean'] as const) {
      const out = aggregate(contributions, { ...rules[rule], trimFraction: 0.34 })
      expect(out.map((t) => t.name)).toEqual(SMALL_LAYOUT.map((t) => t.name))
      out.forEach((tensor, t) => tensor.values.forEach((value, i) => expect(value).toBe(Math.fround(base[t]!.values[i]! * 2))))
    }
  })

  it('resists an outlier with the robust rules, not with the mean', () => {
    const rng = new Rng(3)
    const honest = randomWeights(10, SMALL_LAYOUT)
    const contributions: Contribution[] = Array.from({ length: 6 }, (_, i) => ({
      id: `honest-${i}`,
      delta: honest.map((t) => ({ ...t, values: t.values.map((x) => x + 0.01 * rng.nextNormal()) }))
    }))
    contributions.push({ id: 'byzantine', delta: scaleWeights(honest, -1000) })
    const error = (rule: AggregationRule): number => l2Norm(subtractWeights(aggregate(contributions, rule), honest)) / l2Norm(honest)
    expect(error(rules.mean)).toBeGreaterThan(100)
    expect(error(rules['trimmed-mean'])).toBeLessThan(0.05)
    expect(error(rules.median)).toBeLessThan(0.05)
    expect(error(rules['centered-clip'])).toBeLessThan(0.05)
    expect(error({ ...rules['centered-clip'], clipRadius: 0.5 })).toBeLessThan(0.1)
  })

  it('centered clipping moves toward the honest mean and bounds one input\'s pull by the radius', () => {
    // Start at the median 1; radius 10 lets the near inputs count fully and clips the far one to 10.
    const out = first(aggregate(scalars(0, 1, 2, 1000), { ...rules['centered-clip'], clipRadius: 10, clipIterations: 1 }))
    // v = 1.5 + ((0-1.5) + (1-1.5) + (2-1.5) + 10) / 4
    expect(out).toBe(Math.fround(1.5 + (-1.5 - 0.5 + 0.5 + 10) / 4))
  })

  it('gives the same bytes whatever the input order (seeded property)', () => {
    const rng = new Rng(8)
    const contributions = Array.from({ length: 7 }, (_, i) => ({ id: `0x${(i * 7919).toString(16)}`, delta: randomWeights(rng.nextUint32(), SMALL_LAYOUT, 10 ** (rng.nextFloat() * 4 - 2)) }))
    for (const rule of Object.values(rules)) {
      const reference = aggregate(contributions, rule)
      for (let trial = 0; trial < 5; trial++) {
        const shuffled = [...contributions]
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = rng.nextInt(i + 1)
          ;[shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!]
        }
        expect(aggregate(shuffled, rule)).toEqual(reference)
      }
    }
  })

  it('sorts ids by code unit, not by locale', () => {
    expect(canonicalOrder([{ id: 'b', delta: [] }, { id: 'B', delta: [] }, { id: 'a', delta: [] }]).map((c) => c.id)).toEqual(['B', 'a', 'b'])
  })

  it('refuses empty rounds, duplicate ids and mismatched layouts, naming the contribution', () => {
    expect(() => aggregate([], rules.mean)).toThrow(AggregationError)
    expect(() => aggregate([...scalars(1), ...scalars(2)], rules.mean)).toThrow('duplicate contribution id "p0"')
    expect(() => aggregate([{ id: 'a', delta: vector([1, 2]) }, { id: 'b', delta: vector([1]) }], rules.mean))
      .toThrow('contribution "b" does not match "a": wrong shape for tensor "v": expected [2], got [1]')
  })
})
