import { InvalidMessageError } from './errors.ts'

/**
 * How far a message's signed `sentAt` may be from the receiver's clock. Gossip arrives within
 * seconds; the window only needs to cover clock differences between honest peers. Everything
 * inside it is remembered, so the window, not gossipsub's seen-cache, bounds replays.
 */
export const REPLAY_WINDOW = {
  /** older messages are refused as stale */
  maxAgeMs: 60_000,
  /** messages further in the future are refused: a sender ahead by more would outlive the memory of them */
  maxSkewMs: 10_000,
  /** digests remembered at most; beyond it the window shrinks instead of forgetting (see below) */
  maxEntries: 65_536
}

export type ReplayWindowOptions = Partial<typeof REPLAY_WINDOW>

export interface ReplayWindow {
  /** throws InvalidMessageError 'stale', 'from-future' or 'replayed' */
  check: (digest: string, sentAt: number, now: number) => void
  /** `check`, then remember the message; call it only for a message accepted in every other respect */
  admit: (digest: string, sentAt: number, now: number) => void
}

/**
 * Remembers the digest of every accepted message until its `sentAt` leaves the window. When the
 * memory is full, the oldest digest is dropped and nothing sent at or before its `sentAt` is
 * accepted any more: under a flood the window shrinks, but a forgotten message never becomes
 * acceptable again.
 */
export function createReplayWindow (opts: ReplayWindowOptions = {}): ReplayWindow {
  const { maxAgeMs: maxAge, maxSkewMs: maxSkew, maxEntries } = { ...REPLAY_WINDOW, ...opts }
  // digest -> sentAt, in arrival order, which is close to sentAt order
  const seen = new Map<string, number>()
  let floor = -Infinity

  const forgetExpired = (now: number): void => {
    for (const [digest, sentAt] of seen) {
      if (sentAt >= now - maxAge) break
      seen.delete(digest)
    }
  }

  const check = (digest: string, sentAt: number, now: number): void => {
    if (sentAt < now - maxAge) throw new InvalidMessageError('stale', `sent ${Math.round((now - sentAt) / 1000)} s ago, at most ${maxAge / 1000} s`)
    if (sentAt > now + maxSkew) throw new InvalidMessageError('from-future', `sent ${Math.round((sentAt - now) / 1000)} s in the future, at most ${maxSkew / 1000} s`)
    if (sentAt <= floor) throw new InvalidMessageError('stale', 'sent before the oldest message this receiver still remembers (too many messages in the window)')
    if (seen.has(digest)) throw new InvalidMessageError('replayed', 'this signed message was already accepted')
  }

  return {
    check,
    admit: (digest, sentAt, now) => {
      check(digest, sentAt, now)
      forgetExpired(now)
      seen.set(digest, sentAt)
      if (seen.size <= maxEntries) return
      const [oldest, oldestSentAt] = seen.entries().next().value as [string, number]
      seen.delete(oldest)
      floor = Math.max(floor, oldestSentAt)
    }
  }
}
