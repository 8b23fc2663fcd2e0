import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { groupByPeerId, peerIdOf, relayEndpointsOf } from './addresses.ts'
import { createRelayGater, shouldDenyDial, type GaterOptions } from './gater.ts'

const RELAY = '12D3KooWQsY22EmLAwzZKp8SXaY4MweM3WU3UQZ4vboB4Qf2VHqp'
const PEER = '12D3KooWKM14WjmyrowSbrdTQjZirFG4tXcJaAez84B4utq3r1H6'

describe('browser connection gater', () => {
  const relayEndpoints = [{ host: 'relay.example.org', port: '443' }, { host: '8.8.8.8', port: '443' }]
  const open = { allowLoopback: true, relayEndpoints }
  const closed = { allowLoopback: false, relayEndpoints }
  const deny = (addr: string, opts: GaterOptions = open): boolean => shouldDenyDial(multiaddr(addr), opts)

  it('allows the loopback relay over plain ws only when asked', () => {
    for (const addr of [
      `/ip4/127.0.0.1/tcp/4003/ws/p2p/${RELAY}`,
      `/ip6/::1/tcp/4003/ws/p2p/${RELAY}`,
      `/dns4/localhost/tcp/4003/ws/p2p/${RELAY}`,
      `/ip4/127.0.0.1/tcp/4003/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`
    ]) {
      expect(deny(addr, open), addr).toBe(false)
      expect(deny(addr, closed), addr).toBe(true)
    }
  })

  it('keeps LAN and other private ranges closed even with loopback allowed', () => {
    for (const addr of [
      '/ip4/192.168.1.20/tcp/4003/ws', '/ip4/10.0.0.5/tcp/443/tls/ws', '/ip4/172.20.1.1/tcp/1/wss',
      '/ip4/169.254.3.3/tcp/1/ws', '/ip6/fe80::1/tcp/1/wss', '/ip6/fd00::1/tcp/1/wss', '/ip4/100.64.0.1/tcp/1/wss'
    ]) {
      expect(deny(addr), addr).toBe(true)
    }
  })

  it('allows public secure websockets, not insecure ones', () => {
    expect(deny(`/dns4/relay.example.org/tcp/443/wss/p2p/${RELAY}`)).toBe(false)
    expect(deny(`/ip4/8.8.8.8/tcp/443/tls/ws/p2p/${RELAY}`)).toBe(false)
    expect(deny(`/ip4/8.8.8.8/tcp/80/ws/p2p/${RELAY}`)).toBe(true)
  })

  it('attack (peer-advertised hosts): dials no public host but the configured relays, so a DNS name that resolves into the LAN or a third party\'s address opens no socket', () => {
    for (const addr of [
      `/dns4/192-168-1-1.nip.io/tcp/443/wss/p2p/${PEER}`, `/dns6/router.lan.example/tcp/443/wss/p2p/${PEER}`,
      `/ip4/1.2.3.4/tcp/443/wss/p2p/${PEER}`, `/dns4/victim.example.com/tcp/443/tls/ws/p2p/${PEER}`
    ]) {
      expect(deny(addr), addr).toBe(true)
    }
    // a TLS server name is where a secure WebSocket connects: it must be a relay's host too
    expect(deny(`/ip4/8.8.8.8/tcp/443/tls/sni/192.168.1.1/ws/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`)).toBe(true)
    expect(deny(`/dns4/relay.example.org/tcp/443/tls/sni/victim.example.com/ws/p2p/${RELAY}`)).toBe(true)
    expect(deny(`/dns4/relay.example.org/tcp/443/tls/sni/relay.example.org/ws/p2p/${RELAY}`)).toBe(false)
    expect(deny(`/ip6zone/eth0/ip6/fe80::1/tcp/443/wss/p2p/${PEER}`)).toBe(true)
    // circuits through a configured relay, named as configured in any case
    expect(deny(`/dns4/Relay.Example.org/tcp/443/wss/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`)).toBe(false)
    // a relay named by /dnsaddr/ resolves to hosts not known in advance: any public one, as before
    const unknown = { allowLoopback: false, relayEndpoints: undefined }
    expect(deny(`/ip4/1.2.3.4/tcp/443/wss/p2p/${PEER}`, unknown)).toBe(false)
    expect(deny(`/ip4/1.2.3.4/tcp/443/tls/sni/relay.example.net/ws/p2p/${PEER}`, unknown)).toBe(false)
    expect(deny(`/ip4/1.2.3.4/tcp/443/tls/sni/192.168.1.1/ws/p2p/${PEER}`, unknown)).toBe(true)
    expect(deny(`/ip4/1.2.3.4/tcp/443/tls/sni/localhost/ws/p2p/${PEER}`, unknown)).toBe(true)
  })

  it('attack (a relay\'s other ports): a peer-advertised port of a relay\'s host opens no socket', () => {
    expect(deny(`/dns4/relay.example.org/tcp/22/wss/p2p/${PEER}`)).toBe(true)
    expect(deny(`/ip4/8.8.8.8/tcp/8443/tls/ws/p2p/${PEER}`)).toBe(true)
    expect(deny(`/dns4/relay.example.org/tcp/443/wss/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`)).toBe(false)
  })

  it('names the relays\' endpoints, or none when a relay is a /dnsaddr/', () => {
    expect(relayEndpointsOf([`/dns4/Relay.Example.org/tcp/443/wss/p2p/${RELAY}`, `/ip4/8.8.8.8/tcp/443/tls/ws/p2p/${RELAY}`, `/dns4/relay.example.org/tcp/4443/wss/p2p/${RELAY}`, `/dns4/relay.example.org/tcp/443/wss/p2p/${RELAY}`]))
      .toEqual([{ host: 'relay.example.org', port: '443' }, { host: '8.8.8.8', port: '443' }, { host: 'relay.example.org', port: '4443' }])
    expect(relayEndpointsOf([`/dnsaddr/bootstrap.example.org/p2p/${RELAY}`])).toBeUndefined()
  })

  it('lets peer-only addresses through (reached via an already open relay)', () => {
    expect(deny(`/p2p/${RELAY}/p2p-circuit/webrtc/p2p/${PEER}`, closed)).toBe(false)
  })
})

describe('relay gater', () => {
  it('never dials beyond loopback', async () => {
    const gater = createRelayGater()
    expect(await gater.denyDialMultiaddr?.(multiaddr('/ip4/127.0.0.1/tcp/1/ws'))).toBe(false)
    expect(await gater.denyDialMultiaddr?.(multiaddr('/ip4/8.8.8.8/tcp/443/wss'))).toBe(true)
    expect(await gater.denyDialMultiaddr?.(multiaddr('/ip4/192.168.0.2/tcp/1/ws'))).toBe(true)
  })

  it('reports each dial it refuses, and only those', async () => {
    const denied: string[] = []
    const gater = createRelayGater((ma) => denied.push(ma.toString()))
    await gater.denyDialMultiaddr?.(multiaddr('/ip4/127.0.0.1/tcp/1/ws'))
    await gater.denyDialMultiaddr?.(multiaddr('/ip4/8.8.8.8/tcp/443/wss'))
    expect(denied).toEqual(['/ip4/8.8.8.8/tcp/443/wss'])
  })
})

describe('relay multiaddrs', () => {
  it('groups addresses by the relay peer ID and rejects ones without it', () => {
    const grouped = groupByPeerId([`/ip4/127.0.0.1/tcp/1/ws/p2p/${RELAY}`, `/ip6/::1/tcp/1/ws/p2p/${RELAY}`])
    expect([...grouped.keys()]).toEqual([RELAY])
    expect(grouped.get(RELAY)).toHaveLength(2)
    expect(() => groupByPeerId(['/ip4/127.0.0.1/tcp/1/ws'])).toThrow(/p2p/)
    expect(peerIdOf(`/ip4/127.0.0.1/tcp/1/ws/p2p/${RELAY}/p2p-circuit/p2p/${PEER}`)).toBe(PEER)
  })
})
