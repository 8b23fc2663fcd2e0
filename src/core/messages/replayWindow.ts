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
  maxEntries: 65_536,
  /**
   * digests remembered per sender at most: a member flooding the window forgets its own messages
   * first, not everyone's. Far above an honest wallet's gossip in a window (about 15 a second).
   */
  maxPerSender: 1024
}

export type ReplayWindowOptions = Partial<typeof REPLAY_WINDOW>

export interface ReplayWindow {
  /** throws InvalidMessageError 'stale', 'from-future' or 'replayed'; `from` is the message's signed sender */
  check: (digest: string, sentAt: number, now: number, from: string) => void
  /** `check`, then remember the message; call it only for a message accepted in every other respect */
  admit: (digest: string, sentAt: number, now: number, from: string) => void
}

/**
 * Remembers the digest of every accepted message until its `sentAt` leaves the window. When the
 * memory is full (for one sender, or for all), the oldest digest is dropped and nothing its sender
 * sent at or before its `sentAt` is accepted any more: under a flood the window shrinks, but a
 * forgotten message never becomes acceptable again.
 *
 * The floor is kept per sender, because a replay is an exact copy and so names the same sender. A
 * single floor for everyone could be pushed into the future (a `sentAt` may be up to `maxSkewMs`
 * ahead) and would then refuse every honest message sent now. A sender's own floor only ever
 * refuses that sender, and an honest sender's next message is dated after what it sent before.
 * Clamping a shared floor to the present instead would take a forgotten future-dated message again.
 */
export function createReplayWindow (opts: ReplayWindowOptions = {}): ReplayWindow {
  const { maxAgeMs: maxAge, maxSkewMs: maxSkew, maxEntries, maxPerSender } = { ...REPLAY_WINDOW, ...opts }
  // digest -> when and by whom, in arrival order, which is close to sentAt order
  const seen = new Map<string, { sentAt: number, from: string }>()
  // sender -> its digests still remembered, in arrival order
  const bySender = new Map<string, Set<string>>()
  // sender -> the latest sentAt of its messages forgotten while inside the window, in raise order
  const floors = new Map<string, number>()
  // What senders' floors fold into once more senders than `maxEntries` have one: it bounds memory,
  // and can reach the future only when that many member wallets flood within one window.
  let floor = -Infinity

  const forgetExpired = (now: number): void => {
    for (const [digest, { sentAt, from }] of seen) {
      if (sentAt >= now - maxAge) break
      seen.delete(digest)
      dropFromSender(from, digest)
    }
    // a floor below the window refuses nothing the stale check does not
    for (const [from, at] of floors) {
      if (at >= now - maxAge) break
      floors.delete(from)
    }
  }

  const dropFromSender = (from: string, digest: string): void => {
    const mine = bySender.get(from)
    mine?.delete(digest)
    if (mine?.size === 0) bySender.delete(from)
  }

  /** Drops `digest` from memory while it may still be inside the window: its sender's floor rises to it. */
  const forget = (digest: string, now: number): void => {
    const entry = seen.get(digest)
    if (entry === undefined) return
    seen.delete(digest)
    dropFromSender(entry.from, digest)
    const raised = Math.max(floors.get(entry.from) ?? -Infinity, entry.sentAt)
    floors.delete(entry.from)
    floors.set(entry.from, raised)
    fold(now)
  }

  /**
   * Folds the earliest-raised floor not in the future into the shared one: a future-dated floor
   * folded in would refuse every honest message sent now. Only when every floor is in the future
   * (that many member wallets flooding within `maxSkew`) does the earliest go, future or not.
   */
  const fold = (now: number): void => {
    if (floors.size <= maxEntries) return
    let pick: [string, number] | undefined
    for (const entry of floors) {
      if (entry[1] <= now) {
        pick = entry
        break
      }
    }
    const [from, at] = pick ?? floors.entries().next().value as [string, number]
    floors.delete(from)
    floor = Math.max(floor, at)
  }

  const check = (digest: string, sentAt: number, now: number, from: string): void => {
    if (sentAt < now - maxAge) throw new InvalidMessageError('stale', `sent ${Math.round((now - sentAt) / 1000)} s ago, at most ${maxAge / 1000} s`)
    if (sentAt > now + maxSkew) throw new InvalidMessageError('from-future', `sent ${Math.round((sentAt - now) / 1000)} s in the future, at most ${maxSkew / 1000} s`)
    if (sentAt <= Math.max(floor, floors.get(from) ?? -Infinity)) throw new InvalidMessageError('stale', `sent at or before a message of ${from} that this receiver no longer remembers (too many messages in the window)`)
    if (seen.has(digest)) throw new InvalidMessageError('replayed', 'this signed message was already accepted')
  }

  return {
    check,
    admit: (digest, sentAt, now, from) => {
      check(digest, sentAt, now, from)
      forgetExpired(now)
      seen.set(digest, { sentAt, from })
      const mine = bySender.get(from) ?? new Set<string>()
      bySender.set(from, mine.add(digest))
      if (mine.size > maxPerSender) forget(mine.values().next().value as string, now)
      if (seen.size > maxEntries) forget(seen.keys().next().value as string, now)
    }
  }
}
