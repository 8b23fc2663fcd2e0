import { describe, expect, it } from 'vitest'
import { accuracyInterval, noiseMargin, rollbackSuggestion } from './metricReliability.ts'

describe('accuracyInterval', () => {
  it('narrows as the held-out set grows, and stays within 0 and 1', () => {
    const few = accuracyInterval(0.9, 45)
    const many = accuracyInterval(0.9, 1000)
    expect(few.high - few.low).toBeGreaterThan(many.high - many.low)
    // the textbook value: 50 of 100 gives (0.4038, 0.5962)
    expect(accuracyInterval(0.5, 100).low).toBeCloseTo(0.4038, 4)
    expect(accuracyInterval(0.5, 100).high).toBeCloseTo(0.5962, 4)
    expect(many.low).toBeGreaterThan(0.87)
    expect(accuracyInterval(1, 10).high).toBe(1)
    expect(accuracyInterval(0, 10).low).toBe(0)
  })
})

describe('rollbackSuggestion', () => {
  const v = (round: number, accuracy: number): { versionId: bigint, round: bigint, accuracy: number } => ({ versionId: BigInt(round + 10), round: BigInt(round), accuracy })

  it('names the best version when the last scores below it by more than the noise', () => {
    const versions = [v(0, 0.6), v(1, 0.93), v(2, 0.71)]
    expect(rollbackSuggestion(versions, 1000)).toEqual({ best: versions[1], last: versions[2] })
  })

  it('stays quiet when the gap is within the noise of a small held-out set, or the last is the best', () => {
    expect(rollbackSuggestion([v(0, 0.9), v(1, 0.84)], 45)).toBeUndefined()
    expect(noiseMargin(0.9, 0.84, 45)).toBeGreaterThan(0.06)
    expect(rollbackSuggestion([v(0, 0.9), v(1, 0.84)], 5000)).toBeDefined()
    expect(rollbackSuggestion([v(0, 0.5), v(1, 0.9)], 1000)).toBeUndefined()
    expect(rollbackSuggestion([], 1000)).toBeUndefined()
  })
})
