/**
 * A relay reservation lost while its connection stays open. libp2p refreshes a node's reservation
 * shortly before it expires (relays grant 2 hours); when a refresh fails it drops the
 * reservation, and its relay discovery tries the known relays once more, then only on a new
 * connection or identify. The connection to the relay stays up, so nothing reconnects: the node
 * keeps gossiping but loses its `<relay>/p2p-circuit` address, and with it every WebRTC dial from
 * a browser peer, for good.
 * This watch hangs up the connected relays when the node has held no circuit address for a
 * while; the relay keeper redials them, and the new connection brings a new reservation.
 */
import type { Libp2p } from '@libp2p/interface'

export interface ReservationWatchOptions {
  /** how often the node's addresses are looked at @default 30 s */
  checkMs?: number
  /** how long without a circuit address, a relay connected, before the relays are hung up; doubled after each hang-up that did not bring one back, up to 30 min @default 90 s */
  graceMs?: number
  now?: () => number
}

const MAX_GRACE_MS = 30 * 60_000

/** Starts the watch; returns its stop. */
export function watchReservation (libp2p: Pick<Libp2p, 'getMultiaddrs' | 'getConnections' | 'hangUp'>, relayPeerIds: readonly string[], opts: ReservationWatchOptions = {}): () => void {
  const now = opts.now ?? Date.now
  const baseGrace = opts.graceMs ?? 90_000
  let grace = baseGrace
  let missingSince: number | undefined
  const relays = new Set(relayPeerIds)
  const timer = setInterval(() => {
    const connected = new Map(libp2p.getConnections()
      .filter((c) => c.status === 'open' && relays.has(c.remotePeer.toString()))
      .map((c) => [c.remotePeer.toString(), c.remotePeer]))
    const reserved = libp2p.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit'))
    if (reserved || connected.size === 0) {
      missingSince = undefined
      if (reserved) grace = baseGrace
      return
    }
    missingSince ??= now()
    if (now() - missingSince < grace) return
    missingSince = undefined
    grace = Math.min(MAX_GRACE_MS, grace * 2)
    for (const peer of connected.values()) libp2p.hangUp(peer).catch(() => { /* the keeper redials either way */ })
  }, opts.checkMs ?? 30_000)
  return () => { clearInterval(timer) }
}
