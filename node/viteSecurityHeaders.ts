import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { join, resolve } from 'node:path'
import type { Plugin } from 'vite'
import { parseNetworkConfig, type NetworkConfig } from '../src/core/networkConfig.ts'
import { headersFile, metaPolicy, securityHeaders } from './securityHeaders.ts'
import { buildNetworkConfig, loadNetworkConfig, NETWORK_CONFIG_PATH } from './viteNetworkConfig.ts'

/**
 * Vite writes this into every script and style tag of the dev HTML, and its client reads it back
 * (from `<meta property="csp-nonce">`) for the styles it injects later; each response swaps it for
 * a fresh nonce, as Vite's `html.cspNonce` documentation asks.
 */
const NONCE_PLACEHOLDER = 'MLBRIDGE_CSP_NONCE'

function setHeaders (res: ServerResponse, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value)
}

function stampNonce (res: ServerResponse, nonce: string): void {
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse
  res.end = ((chunk?: unknown, ...rest: unknown[]) => {
    const html = String(res.getHeader('Content-Type') ?? '').startsWith('text/html')
    if (html && (typeof chunk === 'string' || Buffer.isBuffer(chunk))) {
      const body = chunk.toString().replaceAll(NONCE_PLACEHOLDER, nonce)
      if (res.hasHeader('Content-Length')) res.setHeader('Content-Length', Buffer.byteLength(body))
      return end(body, ...rest)
    }
    return end(chunk, ...rest)
  }) as ServerResponse['end']
}

/** The dev server follows the local stack, which may restart on other ports: read it per request. */
function devNetwork (root: string): NetworkConfig | undefined {
  try {
    return loadNetworkConfig(root)
  } catch {
    // The app reports the missing configuration itself; the policy must not fail the page first.
    return undefined
  }
}

/** `vite preview` allows what the built app will load: the config file inside the build, if any. */
function previewNetwork (outDir: string): NetworkConfig | undefined {
  const file = join(outDir, NETWORK_CONFIG_PATH)
  return existsSync(file) ? parseNetworkConfig(JSON.parse(readFileSync(file, 'utf8')), file) : undefined
}

/**
 * The security headers of node/securityHeaders.ts on the dev server and `vite preview`, and in the
 * build as a `_headers` file (for hosts that read one) and a `<meta>` policy in index.html (for
 * hosts that cannot set headers; it lacks frame-ancestors, which only a header can carry).
 */
export function securityHeadersPlugin (): Plugin {
  let root = process.cwd()
  let outDir = 'dist'
  let building = false
  return {
    name: 'mlbridge-security-headers',
    config (_config, { command, isPreview }) {
      if (command === 'serve' && isPreview !== true) return { html: { cspNonce: NONCE_PLACEHOLDER } }
    },
    configResolved (config) {
      root = config.root
      outDir = resolve(config.root, config.build.outDir)
      building = config.command === 'build'
    },
    configureServer (server) {
      server.middlewares.use((req, res, next) => {
        const nonce = randomBytes(16).toString('base64')
        setHeaders(res, securityHeaders({ network: devNetwork(root), nonce }))
        // A page revalidated from the cache would keep its old nonce under the new header.
        if (req.headers.accept?.includes('text/html') === true) delete req.headers['if-none-match']
        stampNonce(res, nonce)
        next()
      })
    },
    configurePreviewServer (server) {
      server.middlewares.use((_req, res, next) => {
        setHeaders(res, securityHeaders({ network: previewNetwork(outDir) }))
        next()
      })
    },
    transformIndexHtml (html) {
      if (!building) return
      // Right after the charset, which must stay within the first 1024 bytes, and before any
      // script or style the policy governs.
      const charset = /<meta charset[^>]*>/i
      if (!charset.test(html)) throw new Error('index.html lacks <meta charset>, after which the Content-Security-Policy goes')
      const policy = metaPolicy({ network: buildNetworkConfig(root) }).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`)
      return html.replace(charset, (tag) => `${tag}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`)
    },
    generateBundle () {
      if (!building) return
      this.emitFile({ type: 'asset', fileName: '_headers', source: headersFile({ network: buildNetworkConfig(root) }) })
    }
  }
}
