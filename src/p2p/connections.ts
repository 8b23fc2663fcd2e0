import type { Libp2p } from '@libp2p/interface'

export type ConnectionType = 'direct' | 'relayed'

export interface PeerConnection {
  peerId: string
  /** direct: at least one unlimited connection (WebRTC, WebSockets); relayed: only limited circuit hops */
  type: ConnectionType
}

/**
 * A direct WebRTC connection still has /p2p-circuit in its address (that was the signalling
 * path); only the absence of limits tells it apart from a relayed one.
 */
export function connectionTypeOf (libp2p: Libp2p, peerId: string): ConnectionType | undefined {
  let type: ConnectionType | undefined
  for (const conn of libp2p.getConnections()) {
    if (conn.status !== 'open' || conn.remotePeer.toString() !== peerId) continue
    if (conn.limits == null) return 'direct'
    type = 'relayed'
  }
  return type
}

/** Open connections to peers other than `exclude` (the relays), one entry per peer. */
export function listPeerConnections (libp2p: Libp2p, exclude: ReadonlySet<string>): PeerConnection[] {
  const byPeer = new Map<string, ConnectionType>()
  for (const conn of libp2p.getConnections()) {
    if (conn.status !== 'open') continue
    const id = conn.remotePeer.toString()
    if (exclude.has(id)) continue
    byPeer.set(id, byPeer.get(id) === 'direct' || conn.limits == null ? 'direct' : 'relayed')
  }
  return [...byPeer].map(([peerId, type]) => ({ peerId, type })).sort((a, b) => a.peerId.localeCompare(b.peerId))
}
