import { hostKind, hostOf, isInsecureWebSocket, serverNamesOf } from './addresses.ts'
import type { ConnectionGater } from '@libp2p/interface'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'

export interface GaterOptions {
  /**
   * Allow dialling 127.0.0.0/8, ::1 and localhost, including plain `ws://`.
   * The local stack's relay lives there; libp2p's browser default denies it
   * along with every other private range.
   */
  allowLoopback: boolean
  /**
   * The hosts of the configured relays (IPs or DNS names, as their multiaddrs
   * name them): beyond loopback, the only hosts a page opens a socket to.
   * Browsers reach each other through a relay (WebRTC signalled over a
   * circuit), so any other host is one a peer advertised. Undefined when a
   * relay is named by `/dnsaddr/`, whose hosts are known only once resolved:
   * then any public host, as libp2p's browser default.
   */
  relayHosts: readonly string[] | undefined
}

/**
 * Browser-safe gater: loopback only when asked, and beyond it only the
 * configured relays. A page must not become a scanner of the visitor's network
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
  for (const name of serverNamesOf(ma)) {
    if (opts.relayHosts === undefined ? nameKind(name) !== 'public' : !opts.relayHosts.includes(name)) return true
  }
  switch (hostKind(ma)) {
    case 'loopback': return !opts.allowLoopback
    case 'private': return true
    // browsers log mixed-content noise for every insecure socket to a public host
    case 'public': return isInsecureWebSocket(ma) || (opts.relayHosts !== undefined && !opts.relayHosts.includes(hostOf(ma) ?? ''))
    // no host: /p2p/<id> or /webrtc signalled through a relay we already passed
    case 'none': return false
  }
}

/** Loopback, private or public, for a host name as an `/sni/` component gives it (an IP literal or a DNS name). */
function nameKind (name: string): ReturnType<typeof hostKind> {
  for (const proto of ['ip4', 'ip6']) {
    try {
      return hostKind(multiaddr(`/${proto}/${name}`))
    } catch { /* not an address of this family */ }
  }
  return hostKind(multiaddr(`/dns/${name}`))
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
