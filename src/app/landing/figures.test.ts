import { describe, expect, it } from 'vitest'
import { formatMlb, landingFigures, UNKNOWN } from './figures.ts'

describe('landing figures', () => {
  it('writes each figure for a visitor, rewards in MLB', () => {
    const figures = landingFigures({ providersOnline: 1234, tasksJoining: 2, tasksRunning: 3, versionsTrained: 40, resultsVerified: 512, rewardsPaid: '1234500000000000000000' })
    expect(figures.map((f) => [f.key, f.value])).toEqual([['providers', '1,234'], ['tasks', '3'], ['versions', '40'], ['results', '512'], ['rewards', '1,234.5 MLB']])
    expect(figures[1]?.note).toContain('2 more open to join')
  })

  it('shows a dash for every figure it does not know', () => {
    expect(landingFigures(undefined).map((f) => f.value)).toEqual(Array(5).fill(UNKNOWN))
  })

  it('keeps at most two decimals of MLB, and none that are zero', () => {
    expect(formatMlb('0')).toBe('0 MLB')
    expect(formatMlb('10000000000000000000')).toBe('10 MLB')
    expect(formatMlb('10019000000000000000')).toBe('10.01 MLB')
  })
})
