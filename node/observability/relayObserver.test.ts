import { describe, expect, it } from 'vitest'
import { gossipRejectionCode } from './relayObserver.ts'

describe('gossipRejectionCode', () => {
  it('takes the verifier\'s code from the reason, and names anything else other', () => {
    expect(gossipRejectionCode('invalid message (wrong-chain): chain 1, expected 31337')).toBe('wrong-chain')
    expect(gossipRejectionCode('invalid message (bad-envelope): ✖ Invalid input')).toBe('bad-envelope')
    expect(gossipRejectionCode('socket hang up')).toBe('other')
  })
})
