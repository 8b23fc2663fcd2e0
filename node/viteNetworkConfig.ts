import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Plugin } from 'vite'
import { networkConfigFromStack, parseNetworkConfig, parseStackInfo, type NetworkConfig } from '../src/core/networkConfig.ts'

export const NETWORK_CONFIG_PATH = 'mlbridge.config.json'

/**
 * Where the app's network configuration comes from: `MLBRIDGE_CONFIG` names a NetworkConfig file
 * for a public deployment; otherwise the local stack's `stack.json` is used. Read on every request,
 * because the local stack rewrites it on each start.
 */
export function loadNetworkConfig (root: string): NetworkConfig {
  const explicit = process.env.MLBRIDGE_CONFIG
  if (explicit !== undefined && explicit !== '') {
    const file = resolve(root, explicit)
    return parseNetworkConfig(JSON.parse(readFileSync(file, 'utf8')), file)
  }
  const stackFile = process.env.MLBRIDGE_STACK_FILE ?? join(process.env.MLBRIDGE_DATA_DIR ?? join(root, '.mlbridge'), 'stack.json')
  if (!existsSync(stackFile)) {
    throw new Error(`No network configuration: ${stackFile} does not exist. Run \`npm start\`, or set MLBRIDGE_CONFIG to a network config file.`)
  }
  return networkConfigFromStack(parseStackInfo(JSON.parse(readFileSync(stackFile, 'utf8')), stackFile))
}

/**
 * The configuration a build is made for: only an explicit `MLBRIDGE_CONFIG`, never the local
 * stack's, since a build is for somewhere else. Undefined when the operator drops the file in later.
 */
export function buildNetworkConfig (root: string): NetworkConfig | undefined {
  return (process.env.MLBRIDGE_CONFIG ?? '') === '' ? undefined : loadNetworkConfig(root)
}

/** Serves `/mlbridge.config.json` in development and emits it into the build. */
export function networkConfigPlugin (): Plugin {
  let root = process.cwd()
  let building = false
  return {
    name: 'mlbridge-network-config',
    configResolved (config) {
      root = config.root
      building = config.command === 'build'
    },
    configureServer (server) {
      server.middlewares.use(`/${NETWORK_CONFIG_PATH}`, (_req, res) => {
        try {
          const body = JSON.stringify(loadNetworkConfig(root))
          res.setHeader('Content-Type', 'application/json')
          res.setHeader('Cache-Control', 'no-store')
          res.end(body)
        } catch (error) {
          res.statusCode = 503
          res.setHeader('Content-Type', 'text/plain')
          res.end(error instanceof Error ? error.message : String(error))
        }
      })
    },
    generateBundle () {
      // A build without a configuration is still useful: the operator drops the file in later.
      const network = building ? buildNetworkConfig(root) : undefined
      if (network === undefined) return
      this.emitFile({ type: 'asset', fileName: NETWORK_CONFIG_PATH, source: JSON.stringify(network, null, 2) })
    }
  }
}
