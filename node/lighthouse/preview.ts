/**
 * The built app as a visitor gets it: `vite preview` over `dist/` on a free loopback port, with the
 * project's Vite config (security headers included), and a network configuration served beside
 * it as a deployment would drop `mlbridge.config.json` in.
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { preview, type Plugin } from 'vite'
import { MLBridgeError } from '../../src/core/errors.ts'
import type { NetworkConfig } from '../../src/core/networkConfig.ts'
import { freePort } from '../ports.ts'
import { NETWORK_CONFIG_PATH } from '../viteNetworkConfig.ts'

export interface Preview {
  url: string
  stop: () => Promise<void>
}

export class MissingBuildError extends MLBridgeError {
  override name = 'MissingBuildError'
  constructor (readonly outDir: string) {
    super('BUILD_MISSING', `No built app in ${outDir}: run \`npm run build\` first.`)
  }
}

export function assertBuilt (outDir: string): void {
  if (!existsSync(join(outDir, 'index.html'))) throw new MissingBuildError(outDir)
}

/** The path under the preview's own origin that forwards JSON-RPC to the chain. */
export const RPC_PATH = '/rpc'

/**
 * Serves `dist/`. With `rpcUrl`, `/rpc` forwards to that chain and the network configuration
 * points there: the built app's policy lets it reach its own origin and https only, and a local
 * anvil speaks plain http.
 */
export async function startPreview (opts: {
  root: string
  /** @default `${root}/dist` */
  outDir?: string
  /** false: plain static files, without the project's Vite config (tests of the checks) @default true */
  projectConfig?: boolean
  network?: (origin: string) => NetworkConfig
  rpcUrl?: string
}): Promise<Preview> {
  const outDir = opts.outDir ?? join(opts.root, 'dist')
  assertBuilt(outDir)
  const host = '127.0.0.1'
  const port = await freePort(host)
  const origin = `http://${host}:${port}`
  const plugins: Plugin[] = []
  const network = opts.network
  if (network !== undefined) {
    plugins.push({
      name: 'mlbridge-lighthouse-network-config',
      configurePreviewServer (server) {
        server.middlewares.use(`/${NETWORK_CONFIG_PATH}`, (_req, res) => {
          res.setHeader('Content-Type', 'application/json')
          res.setHeader('Cache-Control', 'no-store')
          res.end(JSON.stringify(network(origin)))
        })
      }
    })
  }
  const server = await preview({
    root: opts.root,
    configFile: opts.projectConfig === false ? false : join(opts.root, 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir },
    plugins,
    preview: {
      host,
      port,
      strictPort: true,
      open: false,
      ...(opts.rpcUrl === undefined ? {} : { proxy: { [RPC_PATH]: { target: opts.rpcUrl, changeOrigin: true, rewrite: () => '/' } } })
    }
  })
  return {
    url: origin,
    stop: async () => { await server.close() }
  }
}
