import type { HeliaWithLibp2p } from '@helia/libp2p'
import type { GossipSub } from '@libp2p/gossipsub'
import type { Identify, IdentifyPush } from '@libp2p/identify'
import type { Libp2p } from '@libp2p/interface'
import type { Ping } from '@libp2p/ping'
import type { PeerConnection } from './connections.ts'

/**
 * Services every ML Bridge node runs. Gossip lives under `pubsub` so that
 * callers write `libp2p.services.pubsub.publish(...)` on browser, headless and
 * relay nodes alike.
 */
// a type alias, not an interface: libp2p's ServiceMap is Record<string, unknown>
// and only aliases get the implicit index signature that makes them fit
export type P2PServices = {
  identify: Identify
  identifyPush: IdentifyPush
  ping: Ping
  pubsub: GossipSub
}

export type P2PLibp2p<S extends P2PServices = P2PServices> = Libp2p<S>
export type P2PHelia<S extends P2PServices = P2PServices> = HeliaWithLibp2p<S>

/** What the UI shows about the network; a new object is emitted only when a field changes. */
export interface NetworkStatus {
  /** our own peer ID (stable across reloads with IndexedDB storage) */
  peerId: string
  /** at least one configured relay has an open connection */
  relayConnected: boolean
  /** connected peers other than the relays */
  peers: number
  /** of those, peers with at least one unlimited (non-relayed, e.g. direct WebRTC) connection */
  directPeers: number
  /** every connected peer but the relays, with how we reach it */
  connections: PeerConnection[]
  /** why the last relay dial failed while no relay is connected; null otherwise */
  relayError: string | null
  /** our circuit/WebRTC addresses other peers can dial, empty until the relay granted a reservation */
  listenAddrs: string[]
}

export type NetworkStatusListener = (status: NetworkStatus) => void
