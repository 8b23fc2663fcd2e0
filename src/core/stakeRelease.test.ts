import { describe, expect, it } from 'vitest'
import { stakeReleaseAt, type StakeReleaseTask } from './stakeRelease.ts'

const task = (status: StakeReleaseTask['status']): StakeReleaseTask => ({ status, closedAt: 1_000n, challengeWindow: 600 })

describe('stakeReleaseAt', () => {
  it('keeps a placed provider\'s stake until the closed task\'s challenge window ends', () => {
    expect(stakeReleaseAt(task('Joining'), false)).toBeUndefined()
    expect(stakeReleaseAt(task('Running'), false)).toBeUndefined()
    expect(stakeReleaseAt(task('Completed'), false)).toBe(1_600n)
    expect(stakeReleaseAt(task('Cancelled'), false)).toBe(1_600n)
  })

  it('frees an applicant left without a place at once, but not before the draw', () => {
    expect(stakeReleaseAt(task('Joining'), true)).toBeUndefined()
    expect(stakeReleaseAt(task('Running'), true)).toBe(0n)
    expect(stakeReleaseAt(task('Completed'), true)).toBe(0n)
    expect(stakeReleaseAt(task('Cancelled'), true)).toBe(0n)
  })
})
