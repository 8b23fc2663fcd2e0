import { endpointOf, hostKind, hostNameKind, isInsecureWebSocket, serverNamesOf, type Endpoint } from './addresses.ts'
import type { ConnectionGater } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

export interface GaterOptions {
  /**
   * Allow dialling 127.0.0.0/8, ::1 and localhost, including plain `ws://`.
   * The local stack's relay lives there; libp2p's browser default denies it
   * along with every other private range.
   */
  allowLoopback: boolean
  /**
   * The endpoints of the configured relays (IP or DNS name, as their
   * multiaddrs name them, and port): beyond loopback, the only ones a page
   * opens a socket to. Browsers reach each other through a relay (WebRTC
   * signalled over a circuit), so any other host, or another port of a
   * relay's host, is one a peer advertised. Undefined when a relay is named
   * by `/dnsaddr/`, whose hosts are known only once resolved: then any public
   * host, as libp2p's browser default.
   */
  relayEndpoints: readonly Endpoint[] | undefined
}

/**
 * Browser-safe gater: loopback only when asked, and beyond it only the
 * configured relays' endpoints (host and port). A page must not become a scanner of the visitor's network
 * because some peer advertised 192.168.x.y, nor of anyone else's because it
 * advertised a DNS name (which may resolve to a LAN address the gater cannot
 * see) or a third party's public address.
 */
export function createConnectionGater (opts: GaterOptions): ConnectionGater {
  return {
    denyDialMultiaddr: (ma: Multiaddr) => shouldDenyDial(ma, opts)
  }
}

export function shouldDenyDial (ma: Multiaddr, opts: GaterOptions): boolean {
  // `/tls/sni/<name>/ws` connects to <name>: it must be a configured relay's host as well (with a
  // /dnsaddr/ relay, whose hosts are unknown, at least not a loopback or private one)
  const relays = opts.relayEndpoints
  for (const name of serverNamesOf(ma)) {
    if (relays === undefined ? hostNameKind(name) !== 'public' : !relays.some(r => r.host === name)) return true
  }
  switch (hostKind(ma)) {
    case 'loopback': return !opts.allowLoopback
    case 'private': return true
    // browsers log mixed-content noise for every insecure socket to a public host
    case 'public': return isInsecureWebSocket(ma) || (relays !== undefined && !isRelayEndpoint(endpointOf(ma), relays))
    // no host: /p2p/<id> or /webrtc signalled through a relay we already passed
    case 'none': return false
  }
}

function isRelayEndpoint (endpoint: Endpoint | undefined, relays: readonly Endpoint[]): boolean {
  return endpoint !== undefined && relays.some(r => r.host === endpoint.host && r.port === endpoint.port)
}

/**
 * Gater for the relay: it never needs to dial anyone (peers come to it and
 * relayed streams reuse existing connections), so anything beyond loopback is
 * refused. That also keeps a misconfigured dev relay from reaching out.
 * `onDenied` hears of each refusal (the operator's log).
 */
export function createRelayGater (onDenied: (ma: Multiaddr) => void = () => {}): ConnectionGater {
  return {
    denyDialMultiaddr: (ma: Multiaddr) => {
      const kind = hostKind(ma)
      const deny = kind !== 'loopback' && kind !== 'none'
      if (deny) onDenied(ma)
      return deny
    }
  }
}
