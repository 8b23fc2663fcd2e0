import { describe, expect, it } from 'vitest'
import { EVENT_CONTRACTS, feedNameOf } from './events.ts'

describe('the feed\'s event names', () => {
  it('are bare, but qualified by contract where two contracts share one', () => {
    expect(feedNameOf('TaskManager', 'TaskCreated')).toBe('TaskCreated')
    expect(feedNameOf('ResultChallenges', 'ChallengeCommitted')).toBe('ResultChallenges:ChallengeCommitted')
    expect(feedNameOf('ModelRegistry', 'ChallengeCommitted')).toBe('ModelRegistry:ChallengeCommitted')
    // not listed, or listed under another contract
    expect(feedNameOf('TaskManager', 'Bogus')).toBeUndefined()
    expect(feedNameOf('ModelRegistry', 'TaskCreated')).toBeUndefined()
  })

  it('name each event once: a bare name is no other name\'s event part', () => {
    const names = Object.keys(EVENT_CONTRACTS)
    const qualified = names.filter((n) => n.includes(':')).map((n) => n.split(':')[1])
    expect(names.filter((n) => qualified.includes(n))).toEqual([])
  })
})
