import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'

// Pure multiaddr helpers shared by the gater, the relay keeper and the relay
// itself. Written against multiaddr components instead of @libp2p/utils because
// that package is only a transitive dependency here.

type HostKind = 'loopback' | 'private' | 'public' | 'none'

/** The peer ID in the last `/p2p/<id>` component, or undefined. */
export function peerIdOf (addr: string | Multiaddr): string | undefined {
  const components = multiaddr(addr).getComponents()
  for (let i = components.length - 1; i >= 0; i--) {
    const c = components[i]
    if (c?.name === 'p2p') return c.value
  }
  return undefined
}

/** Relay multiaddrs grouped by the relay's peer ID (a relay may listen on several). */
export function groupByPeerId (addrs: readonly string[]): Map<string, Multiaddr[]> {
  const byPeer = new Map<string, Multiaddr[]>()
  for (const addr of addrs) {
    const id = peerIdOf(addr)
    // Without a peer ID the noise handshake cannot authenticate the relay and
    // the status observer could not recognise it: refuse early and loudly.
    if (id == null) throw new Error(`relay multiaddr has no /p2p/<peerId>: ${addr}`)
    const list = byPeer.get(id) ?? []
    list.push(multiaddr(addr))
    byPeer.set(id, list)
  }
  return byPeer
}

/** Classifies the host a multiaddr starts with; only the first hop matters for dialling. */
export function hostKind (ma: Multiaddr): HostKind {
  const first = ma.getComponents()[0]
  if (first?.value == null) return 'none'
  switch (first.name) {
    case 'ip4': return ipv4Kind(first.value)
    case 'ip6': return ipv6Kind(first.value)
    // a link-local zone: the visitor's own network
    case 'ip6zone': return 'private'
    case 'dns':
    case 'dns4':
    case 'dns6':
    case 'dnsaddr': return dnsKind(first.value)
    default: return 'none'
  }
}

/** Classifies a host given as a bare name (an `/sni/` component's): an IP literal or a DNS name. */
export function hostNameKind (name: string): HostKind {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return ipv4Kind(name)
  if (name.includes(':')) return ipv6Kind(name)
  return dnsKind(name)
}

/** The host a multiaddr's first hop names (an IP or a DNS name, lowercased), or undefined. */
export function hostOf (ma: Multiaddr): string | undefined {
  const first = ma.getComponents()[0]
  if (first?.value == null || !['ip4', 'ip6', 'dns', 'dns4', 'dns6', 'dnsaddr'].includes(first.name)) return undefined
  return first.value.toLowerCase()
}

/**
 * The components before a multiaddr's first circuit hop: what this node opens a socket to (the
 * rest is the relay's business).
 */
function firstHopOf (ma: Multiaddr): ReturnType<Multiaddr['getComponents']> {
  const components = ma.getComponents()
  const circuit = components.findIndex(c => c.name === 'p2p-circuit')
  return circuit === -1 ? components : components.slice(0, circuit)
}

/**
 * The TLS server names (`/sni/<name>`) of a multiaddr's first hop, lowercased: a secure WebSocket
 * with one connects to that name, not to the host in front.
 */
export function serverNamesOf (ma: Multiaddr): string[] {
  return firstHopOf(ma).flatMap(c => c.name === 'sni' && c.value != null ? [c.value.toLowerCase()] : [])
}

/** A socket's endpoint: the first hop's host and its TCP or UDP port. */
export interface Endpoint { host: string, port: string }

/** The endpoint a multiaddr's first hop opens a socket to, or undefined (no host, or no port). */
export function endpointOf (ma: Multiaddr): Endpoint | undefined {
  const host = hostOf(ma)
  if (host === undefined) return undefined
  const port = firstHopOf(ma).find(c => (c.name === 'tcp' || c.name === 'udp') && c.value != null)?.value
  return port === undefined ? undefined : { host, port }
}

/**
 * The endpoints relay multiaddrs name, for the browser gater; undefined when one is a `/dnsaddr/`,
 * whose hosts and ports are known only once resolved.
 */
export function relayEndpointsOf (addrs: readonly string[]): Endpoint[] | undefined {
  const endpoints = new Map<string, Endpoint>()
  for (const addr of addrs) {
    const ma = multiaddr(addr)
    if (ma.getComponents()[0]?.name === 'dnsaddr') return undefined
    const endpoint = endpointOf(ma)
    if (endpoint !== undefined) endpoints.set(`${endpoint.host} ${endpoint.port}`, endpoint)
  }
  return [...endpoints.values()]
}

export function isLoopback (ma: Multiaddr): boolean {
  return hostKind(ma) === 'loopback'
}

/** Plain `ws` (not `wss`, not `tls/ws`): browsers warn loudly about these off loopback. */
export function isInsecureWebSocket (ma: Multiaddr): boolean {
  const names = firstHopOf(ma).map(c => c.name)
  return names.includes('ws') && !names.includes('tls') && !names.includes('wss')
}

function dnsKind (name: string): HostKind {
  const host = name.toLowerCase()
  return host === 'localhost' || host.endsWith('.localhost') ? 'loopback' : 'public'
}

function ipv4Kind (ip: string): HostKind {
  const parts = ip.split('.').map(Number)
  const [a = -1, b = -1] = parts
  if (a === 127) return 'loopback'
  if (a === 10 || a === 0) return 'private'
  if (a === 172 && b >= 16 && b <= 31) return 'private'
  if (a === 192 && b === 168) return 'private'
  if (a === 169 && b === 254) return 'private' // link-local
  if (a === 100 && b >= 64 && b <= 127) return 'private' // CGNAT
  return 'public'
}

function ipv6Kind (ip: string): HostKind {
  const lower = ip.toLowerCase()
  if (lower === '::1' || lower === '0:0:0:0:0:0:0:1') return 'loopback'
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(lower)
  if (mapped?.[1] != null) return ipv4Kind(mapped[1])
  if (lower === '::') return 'private'
  if (/^f[cd]/.test(lower)) return 'private' // unique local fc00::/7
  if (/^fe[89ab]/.test(lower)) return 'private' // link-local fe80::/10
  return 'public'
}
