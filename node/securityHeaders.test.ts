import { describe, expect, it } from 'vitest'
import { parseNetworkConfig } from '../src/core/networkConfig.ts'
import { connectSources, contentSecurityPolicy, headersFile, metaPolicy, securityHeaders } from './securityHeaders.ts'

const relayId = '12D3KooWLbZnF9mSjGBKfYkJQc2r6ncK5uQpRgnGPYFxdTwVm3ky'
const local = parseNetworkConfig({
  chainId: 31337,
  rpcUrl: 'http://127.0.0.1:8545',
  contracts: { MLBToken: `0x${'11'.repeat(20)}` },
  bootstrap: [`/ip4/127.0.0.1/tcp/4003/ws/p2p/${relayId}`],
  allowLoopback: true
})
const publicNetwork = parseNetworkConfig({
  chainId: 84532,
  rpcUrl: 'https://rpc.example.org/v1/key',
  contracts: { MLBToken: `0x${'11'.repeat(20)}` },
  bootstrap: [`/dns4/relay.example.org/tcp/443/wss/p2p/${relayId}`, `/dns4/relay2.example.org/tcp/4443/tls/ws/p2p/${relayId}`]
})

describe('content security policy', () => {
  it('allows scripts from the app and WASM compilation, never inline script or eval', () => {
    for (const nonce of [undefined, 'abc']) {
      const scripts = contentSecurityPolicy({ network: local, nonce }).get('script-src')
      expect(scripts).toEqual(expect.arrayContaining(["'self'", "'wasm-unsafe-eval'"]))
      expect(scripts).not.toContain("'unsafe-inline'")
      expect(scripts).not.toContain("'unsafe-eval'")
      expect(contentSecurityPolicy({ network: local, nonce }).get('style-src')).not.toContain("'unsafe-inline'")
    }
  })

  it('has every directive that stops plugins, base and form hijacking and framing', () => {
    const policy = contentSecurityPolicy({ network: publicNetwork })
    expect(policy.get('default-src')).toEqual(["'self'"])
    expect(policy.get('object-src')).toEqual(["'none'"])
    expect(policy.get('base-uri')).toEqual(["'self'"])
    expect(policy.get('form-action')).toEqual(["'self'"])
    expect(policy.get('frame-ancestors')).toEqual(["'none'"])
    expect(policy.get('worker-src')).toEqual(["'self'"])
  })

  it('names a nonce only when the dev server asks for one', () => {
    expect(securityHeaders({ network: local })['Content-Security-Policy']).not.toContain('nonce')
    const policy = contentSecurityPolicy({ network: local, nonce: 'r4nd0m' })
    expect(policy.get('script-src')).toContain("'nonce-r4nd0m'")
    expect(policy.get('style-src')).toContain("'nonce-r4nd0m'")
  })

  it('connects to the configured RPC and relays only, and to loopback only on a local stack', () => {
    expect(connectSources(publicNetwork)).toEqual(["'self'", 'https://rpc.example.org', 'wss://relay.example.org:443', 'wss://relay2.example.org:4443'])
    expect(connectSources(local)).toEqual(["'self'", 'http://127.0.0.1:8545', 'ws://127.0.0.1:4003', 'http://127.0.0.1:*', 'ws://127.0.0.1:*', 'http://localhost:*', 'ws://localhost:*'])
  })

  it('connects to the configured API and gateway origins', () => {
    const withServices = parseNetworkConfig({ ...publicNetwork, api: 'https://api.example.org/v1', gateway: 'https://ipfs.example.org:8443' })
    expect(connectSources(withServices)).toEqual(["'self'", 'https://rpc.example.org', 'https://api.example.org', 'https://ipfs.example.org:8443', 'wss://relay.example.org:443', 'wss://relay2.example.org:4443'])
  })

  it('allows any TLS endpoint when a build is made without knowing its network', () => {
    expect(connectSources(undefined)).toEqual(["'self'", 'https:', 'wss:'])
  })

  it('falls back to the scheme for an address CSP cannot name', () => {
    const ipv6 = parseNetworkConfig({ ...local, rpcUrl: 'http://[::1]:8545', bootstrap: [`/ip6/::1/tcp/4003/ws/p2p/${relayId}`] })
    expect(connectSources(ipv6).slice(0, 3)).toEqual(["'self'", 'http:', 'ws:'])
    const dnsaddr = parseNetworkConfig({ ...publicNetwork, bootstrap: [`/dnsaddr/bootstrap.example.org/p2p/${relayId}`] })
    expect(connectSources(dnsaddr)).toEqual(["'self'", 'https://rpc.example.org', 'https:', 'wss:'])
  })
})

describe('security headers', () => {
  it('forbid framing also to browsers without frame-ancestors, sniffing and referrers', () => {
    expect(securityHeaders({ network: local })).toMatchObject({
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin'
    })
    expect(securityHeaders({ network: local })).not.toHaveProperty('Cross-Origin-Embedder-Policy')
  })

  it('are written for every path in the _headers format', () => {
    const file = headersFile({ network: publicNetwork })
    const [path, ...lines] = file.trimEnd().split('\n')
    expect(path).toBe('/*')
    expect(Object.fromEntries(lines.map((line) => line.trim().split(/: (.*)/s).slice(0, 2)))).toEqual(securityHeaders({ network: publicNetwork }))
  })

  it('leave frame-ancestors out of the meta policy, where browsers ignore it', () => {
    const meta = metaPolicy({ network: publicNetwork })
    expect(meta).not.toContain('frame-ancestors')
    expect(meta).toContain("script-src 'self' 'wasm-unsafe-eval'")
  })
})
