/**
 * The browser-facing security headers, defined once: the Vite dev server, `vite preview` and the
 * built app's `_headers` file and `<meta>` policy are all derived from here
 * (node/viteSecurityHeaders.ts).
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { NetworkConfig } from '../src/core/networkConfig.ts'

export type Directives = ReadonlyMap<string, readonly string[]>

export interface PolicyOptions {
  /**
   * The network the page is configured for, whose RPC and relays it must reach. Unknown when a
   * build is made without a config that an operator drops in later: any TLS endpoint is allowed.
   */
  network?: NetworkConfig
  /** Only the dev server needs one, for the inline scripts and styles Vite itself injects. */
  nonce?: string
}

/** CSP host sources cannot name an IPv6 literal, so such an endpoint is allowed by its scheme alone. */
function hostSource (scheme: string, host: string, port?: string): string {
  if (host.includes(':')) return `${scheme}:`
  return port === undefined ? `${scheme}://${host}` : `${scheme}://${host}:${port}`
}

/** Where the browser's libp2p node opens a WebSocket for a bootstrap multiaddr (the only transport it dials first). */
function relaySources (address: string): string[] {
  const components = multiaddr(address).getComponents()
  const host = components[0]
  const port = components.find((c) => c.name === 'tcp')?.value
  const secure = components.some((c) => c.name === 'wss' || c.name === 'tls')
  // A dnsaddr resolves (over DNS-over-HTTPS) to addresses not known here; a page served over
  // HTTPS can dial only wss: among them.
  if (host?.name === 'dnsaddr') return ['https:', 'wss:']
  if (host?.value === undefined || !components.some((c) => c.name === 'ws' || c.name === 'wss')) return []
  return [hostSource(secure ? 'wss' : 'ws', host.value, port)]
}

/**
 * What the page may fetch or open a socket to. WebRTC between peers is outside CSP's reach; the
 * relay's WebSocket and the JSON-RPC endpoint are not. An injected wallet's own RPC traffic runs in
 * the extension, so a user's wallet RPC needs nothing here. The API and the gateway are plain
 * HTTP(S) origins.
 */
export function connectSources (network: NetworkConfig | undefined): string[] {
  if (network === undefined) return ["'self'", 'https:', 'wss:']
  const origin = (url: string): string => {
    const parsed = new URL(url)
    return hostSource(parsed.protocol.slice(0, -1), parsed.hostname.replace(/^\[|\]$/g, ''), parsed.port === '' ? undefined : parsed.port)
  }
  const sources = ["'self'", origin(network.rpcUrl), ...[network.api, network.gateway].filter((url) => url !== undefined).map(origin)]
  sources.push(...network.bootstrap.flatMap(relaySources))
  // The local stack may be reached on any loopback port (the page dials what the relay announces).
  if (network.allowLoopback) sources.push('http://127.0.0.1:*', 'ws://127.0.0.1:*', 'http://localhost:*', 'ws://localhost:*')
  return [...new Set(sources)]
}

export function contentSecurityPolicy ({ network, nonce }: PolicyOptions = {}): Directives {
  const inline = nonce === undefined ? [] : [`'nonce-${nonce}'`]
  return new Map([
    ['default-src', ["'self'"]],
    // tfjs's WASM backend, ONNX Runtime Web and the noise handshake's ciphers compile WebAssembly.
    ['script-src', ["'self'", "'wasm-unsafe-eval'", ...inline]],
    ['style-src', ["'self'", ...inline]],
    // EIP-6963 wallets announce their icons as data: URIs.
    ['img-src', ["'self'", 'data:']],
    ['connect-src', connectSources(network)],
    // The trainer and evaluator workers and the service worker are the app's own files. No blob:
    // worker is needed while WASM runs single-threaded (see Cross-Origin-Embedder-Policy below).
    ['worker-src', ["'self'"]],
    ['object-src', ["'none'"]],
    ['base-uri', ["'self'"]],
    ['form-action', ["'self'"]],
    ['frame-ancestors', ["'none'"]]
  ])
}

export function serializePolicy (directives: Directives): string {
  return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ')
}

/** A `<meta>` policy may not carry frame-ancestors (browsers ignore it there and log an error). */
export function metaPolicy (options: PolicyOptions = {}): string {
  const directives = new Map(contentSecurityPolicy(options))
  directives.delete('frame-ancestors')
  return serializePolicy(directives)
}

/**
 * Every response gets these. No Cross-Origin-Embedder-Policy: nothing needs cross-origin isolation
 * (WASM runs one thread, `env.wasm.numThreads = 1` in the evaluator), and isolation would make
 * tfjs pick its threaded WASM build, whose workers start from blob: URLs.
 */
export function securityHeaders (options: PolicyOptions = {}): Record<string, string> {
  return {
    'Content-Security-Policy': serializePolicy(contentSecurityPolicy(options)),
    // frame-ancestors for browsers that predate it.
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    // The app opens no cross-origin windows, so none may keep a handle on it either.
    'Cross-Origin-Opener-Policy': 'same-origin'
  }
}

/** The `_headers` file that Netlify, Cloudflare Pages and compatible hosts apply to every path. */
export function headersFile (options: PolicyOptions = {}): string {
  const lines = Object.entries(securityHeaders(options)).map(([name, value]) => `  ${name}: ${value}`)
  return `/*\n${lines.join('\n')}\n`
}
