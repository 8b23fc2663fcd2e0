import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub, type GossipsubOpts } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { webRTC } from '@libp2p/webrtc'
import { webSockets } from '@libp2p/websockets'
import type { P2PServices } from './types.ts'
import type { ServiceFactoryMap } from 'libp2p'

type Transports = NonNullable<import('libp2p').Libp2pOptions['transports']>

/**
 * Gossip settings shared by peers and the relay hub; both must agree on
 * signing and the protocol for messages to flow.
 */
export function gossipOptions (overrides: Partial<GossipsubOpts> = {}): Partial<GossipsubOpts> {
  return {
    // a volunteer alone on the network is normal, not an error
    allowPublishToZeroTopicPeers: true,
    // relayed links are 128 KiB / 2 min signalling channels: keep gossip off them
    runOnLimitedConnection: false,
    emitSelf: false,
    scoreParams: {
      // every peer of a local stack shares 127.0.0.1 (WebRTC peers too: their
      // address is the relay's circuit address); the default IP colocation
      // penalty would grey-list a dev network of more than ~10 tabs
      IPColocationFactorWhitelist: new Set(['127.0.0.1', '::1'])
    },
    ...overrides
  }
}

export interface ClientTransportOptions {
  /**
   * Include WebRTC (browser-to-browser). In Node it runs on node-datachannel;
   * leave it out where neither that nor RTCPeerConnection exists.
   */
  webRTC?: boolean
  /**
   * Node only (node-datachannel): gather ICE candidates on this address alone.
   * '127.0.0.1' keeps a local stack's WebRTC on loopback, as Chromium's
   * --allow-loopback-in-peer-connection does for browsers, which ignore this.
   */
  rtcBindAddress?: string
  /**
   * STUN/TURN servers for peers behind NAT in a public deployment. None by default: on loopback
   * and a LAN host candidates suffice, and nothing may be contacted that was not configured.
   */
  iceServers?: RTCIceServer[]
}

/** WebSockets reach the relay, the relay carries WebRTC signalling, WebRTC carries the data. */
export function clientTransports (opts: ClientTransportOptions = {}): Transports {
  const transports: Transports = [webSockets(), circuitRelayTransport()]
  if (opts.webRTC !== false) {
    const rtcConfiguration: RTCConfiguration & { bindAddress?: string } = { iceServers: opts.iceServers ?? [] }
    if (opts.rtcBindAddress != null) rtcConfiguration.bindAddress = opts.rtcBindAddress
    transports.push(webRTC({ rtcConfiguration }))
  }
  return transports
}

export function clientListenAddrs (opts: ClientTransportOptions = {}): string[] {
  // '/p2p-circuit' asks for a reservation on any relay we connect to;
  // '/webrtc' then advertises <relay>/p2p-circuit/webrtc/p2p/<us>
  return opts.webRTC !== false ? ['/p2p-circuit', '/webrtc'] : ['/p2p-circuit']
}

export function baseServices (gossip: Partial<GossipsubOpts> = {}): ServiceFactoryMap<P2PServices> {
  return {
    identify: identify(),
    identifyPush: identifyPush(),
    ping: ping(),
    pubsub: gossipsub(gossipOptions(gossip))
  }
}

export const encrypters = (): NonNullable<import('libp2p').Libp2pOptions['connectionEncrypters']> => [noise()]
export const muxers = (): NonNullable<import('libp2p').Libp2pOptions['streamMuxers']> => [yamux()]
