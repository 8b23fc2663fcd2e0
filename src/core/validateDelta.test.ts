import { describe, expect, it } from 'vitest'
import { AggregationError } from './aggregate.ts'
import { roundNormBound, validateDelta, validateRound } from './validateDelta.ts'
import { l2Norm, layoutOf, scaleWeights, type WeightSet } from './tensors.ts'
import { randomWeights, SMALL_LAYOUT } from '../testing/randomWeights.ts'

const spec = { maxNormToMedian: 10 }

describe('validateDelta', () => {
  const delta = randomWeights(1, SMALL_LAYOUT)

  it('accepts a well-formed delta and reports its norm', () => {
    const verdict = validateDelta(delta, { layout: SMALL_LAYOUT, maxNorm: 100 })
    expect(verdict.ok).toBe(true)
    expect(verdict.ok && verdict.norm).toBeGreaterThan(1)
  })

  it('names the tensor with the wrong shape', () => {
    const layout = layoutOf(delta)
    layout[1] = { name: 'a/bias', shape: [6] }
    expect(validateDelta(delta, { layout })).toEqual({ ok: false, reason: 'layout', message: 'wrong shape for tensor "a/bias": expected [6], got [5]' })
  })

  it('names the first non-finite value', () => {
    const bad: WeightSet = scaleWeights(delta, 1)
    bad[2]!.values[4] = Number.NaN
    expect(validateDelta(bad, { layout: SMALL_LAYOUT })).toEqual({ ok: false, reason: 'non-finite', message: 'non-finite value NaN in tensor "b/kernel" at index 4' })
  })

  it('enforces the norm bound', () => {
    const verdict = validateDelta(delta, { layout: SMALL_LAYOUT, maxNorm: 0.5 })
    expect(verdict).toMatchObject({ ok: false, reason: 'norm' })
    expect(!verdict.ok && verdict.message).toMatch(/^norm \d+\.\d+ exceeds the bound 0\.500000$/)
  })
})

describe('roundNormBound', () => {
  it('is the smaller of the absolute bound and the factor times the median', () => {
    expect(roundNormBound([1, 2, 3], spec)).toBe(20)
    expect(roundNormBound([1, 2, 3, 100], spec)).toBe(25)
    expect(roundNormBound([1, 2, 3], { ...spec, maxDeltaNorm: 5 })).toBe(5)
    expect(roundNormBound([], spec)).toBe(Number.POSITIVE_INFINITY)
  })
})

describe('validateRound', () => {
  it('rejects the oversized, malformed and non-finite deltas of a round and keeps the rest', () => {
    const honest = [1, 2, 3, 4].map((i) => ({ id: `h${i}`, delta: randomWeights(i, SMALL_LAYOUT) }))
    const nan = scaleWeights(honest[0]!.delta, 1)
    nan[0]!.values[0] = Number.POSITIVE_INFINITY
    const round = [
      ...honest,
      { id: 'huge', delta: scaleWeights(honest[0]!.delta, 50) },
      { id: 'nan', delta: nan },
      // Malformed deltas must not count toward the median: a thousand tiny ones would otherwise lower it.
      { id: 'short', delta: honest[0]!.delta.slice(1) }
    ]
    const { bound, verdicts, accepted } = validateRound(round, SMALL_LAYOUT, spec)
    expect(accepted.map((c) => c.id)).toEqual(['h1', 'h2', 'h3', 'h4'])
    expect(verdicts.get('huge')).toMatchObject({ ok: false, reason: 'norm' })
    expect(verdicts.get('nan')).toMatchObject({ ok: false, reason: 'non-finite' })
    expect(verdicts.get('short')).toMatchObject({ ok: false, reason: 'layout' })
    // The median of the five well-formed norms (the huge one included), times 10.
    const norms = [...honest.map((c) => l2Norm(c.delta)), 50 * l2Norm(honest[0]!.delta)].sort((a, b) => a - b)
    expect(bound).toBeCloseTo(10 * norms[2]!, 9)
  })

  it('refuses duplicate ids', () => {
    const delta = randomWeights(1, SMALL_LAYOUT)
    expect(() => validateRound([{ id: 'a', delta }, { id: 'a', delta }], SMALL_LAYOUT, spec)).toThrow(AggregationError)
  })
})
