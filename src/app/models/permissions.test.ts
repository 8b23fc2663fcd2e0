import { describe, expect, it } from 'vitest'
import { canFork, canMerge, canRollback } from './permissions.ts'

const owner = '0x1111111111111111111111111111111111111111'
const other = '0x2222222222222222222222222222222222222222'

describe('permissions', () => {
  it('lets any connected account fork a final version only', () => {
    expect(canFork({ account: other, governor: false }, 'Final')).toEqual({ allowed: true })
    expect(canFork({ account: undefined, governor: false }, 'Final').allowed).toBe(false)
    expect(canFork({ account: other, governor: false }, 'Proposed')).toEqual({ allowed: false, reason: 'Only final versions can be forked; this one is Proposed.' })
  })

  it('lets the owner (any address case) or governance roll back, when there is an ancestor', () => {
    expect(canRollback({ account: owner.toUpperCase().replace('0X', '0x') as `0x${string}`, governor: false }, owner, 2).allowed).toBe(true)
    expect(canRollback({ account: other, governor: true }, owner, 2).allowed).toBe(true)
    expect(canRollback({ account: other, governor: false }, owner, 2)).toEqual({ allowed: false, reason: `Only the model owner (${owner}) or governance may roll back.` })
    expect(canRollback({ account: owner, governor: false }, owner, 0).allowed).toBe(false)
  })

  it('lets only the owner merge, once the model\'s task has ended', () => {
    expect(canMerge({ account: owner, governor: false }, owner).allowed).toBe(true)
    expect(canMerge({ account: owner, governor: false }, owner, 'Completed').allowed).toBe(true)
    expect(canMerge({ account: other, governor: true }, owner).allowed).toBe(false)
    expect(canMerge({ account: owner, governor: false }, owner, 'Running')).toEqual({ allowed: false, reason: 'The model\'s task is Running: its rounds move the head until it ends, so merge once it has.' })
  })
})
