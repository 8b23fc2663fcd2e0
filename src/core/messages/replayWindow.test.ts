import { describe, expect, it } from 'vitest'
import { InvalidMessageError } from './errors.ts'
import { createReplayWindow } from './replayWindow.ts'

const T = 1_800_000_000_000
const wallet = (prefix: string): string => prefix.padEnd(42, '0')
const ALICE = wallet('0xa1')
const BOB = wallet('0xb0')
const CAROL = wallet('0xca')
const DAVE = wallet('0xda')
const MALLORY = wallet('0x3a')

function reason (fn: () => void): string | undefined {
  try {
    fn()
    return undefined
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidMessageError)
    return (err as InvalidMessageError).reason
  }
}

describe('replay window', () => {
  it('takes a message once, inside [now - maxAge, now + maxSkew] only', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000 })
    expect(reason(() => { w.admit('a', T, T, ALICE) })).toBeUndefined()
    expect(reason(() => { w.check('a', T, T + 1, ALICE) })).toBe('replayed')
    expect(reason(() => { w.admit('a', T, T + 59_999, ALICE) })).toBe('replayed')
    expect(reason(() => { w.check('a', T, T + 60_001, ALICE) })).toBe('stale')
    expect(reason(() => { w.check('b', T + 10_001, T, ALICE) })).toBe('from-future')
    expect(reason(() => { w.admit('b', T + 10_000, T, ALICE) })).toBeUndefined()
    // a message from the future is remembered until it leaves the window
    expect(reason(() => { w.check('b', T + 10_000, T + 70_000, ALICE) })).toBe('replayed')
  })

  it('when full, shrinks the window instead of forgetting a message that is still inside it', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000, maxEntries: 2 })
    w.admit('a', T, T, ALICE)
    w.admit('b', T + 1, T + 1, ALICE)
    w.admit('c', T + 2, T + 2, ALICE)
    // 'a' was dropped from memory: it and anything its sender sent as early is refused rather than taken again
    expect(reason(() => { w.check('a', T, T + 3, ALICE) })).toBe('stale')
    expect(reason(() => { w.check('b', T + 1, T + 3, ALICE) })).toBe('replayed')
    expect(reason(() => { w.check('d', T + 3, T + 3, ALICE) })).toBeUndefined()
  })

  it('attack (future-dated flood): a member flooding messages dated near the skew limit cannot make honest current messages stale', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000, maxEntries: 4, maxPerSender: 2 })
    w.admit('honest-1', T, T, ALICE)
    // distinct, validly signed, each dated 9.9 s ahead: more than the memory holds
    for (let i = 0; i < 8; i++) w.admit(`flood-${i}`, T + 9_900 + i, T, MALLORY)
    // an honest message sent now (or a moment ago, in transit) is still taken
    expect(reason(() => { w.admit('honest-2', T + 50, T + 100, ALICE) })).toBeUndefined()
    expect(reason(() => { w.admit('honest-3', T + 100, T + 100, BOB) })).toBeUndefined()
    // and every replay is still refused: remembered ones as replayed, forgotten ones as stale
    expect(reason(() => { w.check('honest-2', T + 50, T + 200, ALICE) })).toBe('replayed')
    expect(reason(() => { w.check('flood-7', T + 9_907, T + 200, MALLORY) })).toBe('replayed')
    expect(reason(() => { w.check('flood-0', T + 9_900, T + 200, MALLORY) })).toBe('stale')
    expect(reason(() => { w.check('flood-0', T + 9_900, T + 9_950, MALLORY) })).toBe('stale')
  })

  it('when full, a forgotten message of any sender is never taken again while inside the window', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000, maxEntries: 3, maxPerSender: 2 })
    w.admit('a', T, T, ALICE)
    w.admit('b', T + 5_000, T, BOB)
    // three flooders, each within its own share, push both honest digests out of memory
    for (const [i, sender] of [CAROL, DAVE, MALLORY].entries()) w.admit(`f${i}`, T + 9_000, T + 1, sender)
    for (const at of [T + 2, T + 5_000, T + 59_999]) {
      expect(reason(() => { w.check('a', T, at, ALICE) })).toBe('stale')
      expect(reason(() => { w.check('b', T + 5_000, at, BOB) })).toBe('stale')
    }
    // a later message of either sender is taken
    expect(reason(() => { w.check('a2', T + 2, T + 2, ALICE) })).toBeUndefined()
    expect(reason(() => { w.check('b2', T + 5_001, T + 2, BOB) })).toBeUndefined()
  })

  it('when more senders than it remembers have forgotten messages, the oldest floor becomes everyone\'s and still refuses the forgotten', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000, maxEntries: 2 })
    for (const [i, sender] of [ALICE, BOB, CAROL, DAVE, MALLORY].entries()) w.admit(`m${i}`, T + i, T + i, sender)
    // three senders forgot a message: Alice's floor (T) is now the one every sender shares
    expect(reason(() => { w.check('m0', T, T + 5, ALICE) })).toBe('stale')
    expect(reason(() => { w.check('m1', T + 1, T + 5, BOB) })).toBe('stale')
    expect(reason(() => { w.check('old', T, T + 5, MALLORY) })).toBe('stale')
    expect(reason(() => { w.check('m4', T + 4, T + 5, MALLORY) })).toBe('replayed')
    expect(reason(() => { w.check('new', T + 5, T + 5, ALICE) })).toBeUndefined()
  })

  it('attack (future-dated floors folded): a floor in the future is not the one that becomes everyone\'s while one in the past can go', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000, maxEntries: 2, maxPerSender: 1 })
    // two flooders date theirs 9.9 s ahead, and each forgets one: their floors are in the future
    for (const [i, sender] of [MALLORY, CAROL].entries()) {
      w.admit(`f${i}`, T + 9_900, T + 1, sender)
      w.admit(`g${i}`, T + 9_901, T + 1, sender)
    }
    // Alice's floor (T) is raised last, and makes one floor more than remembered
    w.admit('a', T, T + 1, ALICE)
    w.admit('a2', T + 1, T + 1, ALICE)
    // Alice's floor, not the earliest-raised flooder's, became everyone's: messages sent now pass
    expect(reason(() => { w.check('b', T + 2, T + 2, BOB) })).toBeUndefined()
    expect(reason(() => { w.check('a', T, T + 2, ALICE) })).toBe('stale')
    expect(reason(() => { w.check('f0', T + 9_900, T + 2, MALLORY) })).toBe('stale')
  })
})
