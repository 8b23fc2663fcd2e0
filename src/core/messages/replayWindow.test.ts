import { describe, expect, it } from 'vitest'
import { InvalidMessageError } from './errors.ts'
import { createReplayWindow } from './replayWindow.ts'

const T = 1_800_000_000_000

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
    expect(reason(() => { w.admit('a', T, T) })).toBeUndefined()
    expect(reason(() => { w.check('a', T, T + 1) })).toBe('replayed')
    expect(reason(() => { w.admit('a', T, T + 59_999) })).toBe('replayed')
    expect(reason(() => { w.check('a', T, T + 60_001) })).toBe('stale')
    expect(reason(() => { w.check('b', T + 10_001, T) })).toBe('from-future')
    expect(reason(() => { w.admit('b', T + 10_000, T) })).toBeUndefined()
    // a message from the future is remembered until it leaves the window
    expect(reason(() => { w.check('b', T + 10_000, T + 70_000) })).toBe('replayed')
  })

  it('when full, shrinks the window instead of forgetting a message that is still inside it', () => {
    const w = createReplayWindow({ maxAgeMs: 60_000, maxSkewMs: 10_000, maxEntries: 2 })
    w.admit('a', T, T)
    w.admit('b', T + 1, T + 1)
    w.admit('c', T + 2, T + 2)
    // 'a' was dropped from memory: it and anything as old is refused rather than taken again
    expect(reason(() => { w.check('a', T, T + 3) })).toBe('stale')
    expect(reason(() => { w.check('b', T + 1, T + 3) })).toBe('replayed')
    expect(reason(() => { w.check('d', T + 3, T + 3) })).toBeUndefined()
  })
})
