import { listPeerConnections } from './connections.ts'
import type { RelayKeeper } from './relayKeeper.ts'
import type { NetworkStatus, NetworkStatusListener } from './types.ts'
import type { Libp2p } from '@libp2p/interface'

export interface WatchNetworkOptions {
  /** source of `relayError`; without it the error stays null */
  keeper?: Pick<RelayKeeper, 'state' | 'onChange'>
}

// every event after which one of the NetworkStatus fields may differ.
// 'self:peer:update' alone is not enough for listenAddrs: libp2p debounces it by
// 1 s and skips it when the addresses end up as they were, so a reservation
// lost and regained within a second would leave the UI showing none;
// 'transport:listening' fires as soon as the circuit listener changes.
const EVENTS = [
  'connection:open', 'connection:close', 'peer:connect', 'peer:disconnect',
  'self:peer:update', 'transport:listening', 'transport:close'
] as const

/** Snapshot of the network as the UI sees it. */
export function readNetworkStatus (libp2p: Libp2p, relayPeerIds: ReadonlySet<string>, keeper?: WatchNetworkOptions['keeper']): NetworkStatus {
  const relayConnected = libp2p.getConnections().some(c => c.status === 'open' && relayPeerIds.has(c.remotePeer.toString()))
  const connections = listPeerConnections(libp2p, relayPeerIds)
  return {
    peerId: libp2p.peerId.toString(),
    relayConnected,
    peers: connections.length,
    directPeers: connections.filter(c => c.type === 'direct').length,
    connections,
    relayError: relayConnected ? null : (keeper?.state().lastError ?? null),
    listenAddrs: libp2p.getMultiaddrs().map(ma => ma.toString()).filter(a => a.includes('/p2p-circuit'))
  }
}

/**
 * Calls `onChange` with the current status at once, then again whenever a field
 * changes (libp2p emits events for state changes; this folds them into state).
 * Returns the unsubscribe function.
 */
export function watchNetwork (
  libp2p: Libp2p,
  relayPeerIds: string | readonly string[],
  onChange: NetworkStatusListener,
  options: WatchNetworkOptions = {}
): () => void {
  const relays = new Set(typeof relayPeerIds === 'string' ? [relayPeerIds] : relayPeerIds)
  let last: string | undefined
  let active = true

  const update = (): void => {
    if (!active) return
    const status = readNetworkStatus(libp2p, relays, options.keeper)
    const key = JSON.stringify(status)
    if (key === last) return
    last = key
    onChange(status)
  }

  for (const type of EVENTS) libp2p.addEventListener(type, update)
  const offKeeper = options.keeper?.onChange(update)
  update()

  return () => {
    active = false
    for (const type of EVENTS) libp2p.removeEventListener(type, update)
    offKeeper?.()
  }
}
