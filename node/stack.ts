import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createPublicClient, toHex } from 'viem'
import { rpcTransport } from '../src/chain/rpcTransport.ts'
import { createServer, type ViteDevServer } from 'vite'
import { protocolChain } from '../src/chain/chain.ts'
import { LOCAL_CHAIN_ID, parseStackInfo, type StackInfo } from '../src/core/networkConfig.ts'
import { assertPortFree } from './ports.ts'
import { DEFAULT_METRICS_PORT, startMetricsServer } from './observability/metricsServer.ts'
import { startAnvil, type Anvil } from './anvil.ts'
import { deployContracts } from './deploy.ts'
import { DEFAULT_GATEWAY_PORT, startGateway } from './gateway.ts'
import { generateBindings } from './genBindings.ts'
import { DEFAULT_RELAY_PORT, startRelay, type Relay } from './relay.ts'
import { rateFlag } from './cli/args.ts'
import { startRefereeProcess, type RefereeProcess } from './referee/process.ts'
import { operatorLogger } from './observability/log.ts'
import type { OperatorMetrics } from './observability/metrics.ts'
import { DEFAULT_INDEXER_PORT, startIndexer, type Indexer } from './indexer.ts'
import { DEFAULT_WEBHOOKS_PORT, startWebhookService } from './webhooks/service.ts'
import { deploymentOf } from '../src/chain/contracts.ts'
import { devAccount } from '../src/chain/devAccounts.ts'

/** The dev account the deployment gives REFEREE_ROLE on a local chain (Deploy.s.sol's LOCAL_REFEREE). */
const LOCAL_REFEREE_ACCOUNT = 8

export interface StackOptions {
  root: string
  dataDir: string
  host: string
  rpcPort: number
  relayPort: number
  appPort: number
  metricsPort: number
  /** the trustless gateway over the pinner's blocks */
  gatewayPort: number
  /** the indexer's REST and GraphQL server */
  indexerPort: number
  /** the webhook service's HTTP API */
  webhooksPort: number
  /** the share of accepted shards the referee audits (`MLBRIDGE_AUDIT_RATE`) @default 1 */
  auditRate?: number
}

export interface Stack {
  info: StackInfo
  stackFile: string
  /** the referee's process (node/referee/process.ts) */
  referee: Pick<RefereeProcess, 'pid'>
  stop(): Promise<void>
}

/** Where each setting comes from, so errors can name the variable that changes it. */
export const PORT_VARIABLES = {
  rpcPort: { env: 'MLBRIDGE_RPC_PORT', service: 'anvil JSON-RPC', fallback: 8545 },
  relayPort: { env: 'MLBRIDGE_RELAY_PORT', service: 'libp2p relay WebSockets', fallback: DEFAULT_RELAY_PORT },
  appPort: { env: 'MLBRIDGE_APP_PORT', service: 'Vite app server', fallback: 5173 },
  metricsPort: { env: 'MLBRIDGE_METRICS_PORT', service: 'operator metrics HTTP', fallback: DEFAULT_METRICS_PORT },
  gatewayPort: { env: 'MLBRIDGE_GATEWAY_PORT', service: 'trustless gateway HTTP', fallback: DEFAULT_GATEWAY_PORT },
  indexerPort: { env: 'MLBRIDGE_INDEXER_PORT', service: 'indexer REST and GraphQL', fallback: DEFAULT_INDEXER_PORT },
  webhooksPort: { env: 'MLBRIDGE_WEBHOOKS_PORT', service: 'webhooks HTTP API', fallback: DEFAULT_WEBHOOKS_PORT }
} as const

export function stackOptionsFromEnv (root: string, env: NodeJS.ProcessEnv = process.env): StackOptions {
  const port = (key: keyof typeof PORT_VARIABLES): number => {
    const { env: name, fallback } = PORT_VARIABLES[key]
    const raw = env[name]
    if (raw === undefined || raw === '') return fallback
    const value = Number(raw)
    if (!Number.isInteger(value) || value < 1 || value > 65535) {
      throw new Error(`${name} must be a port number from 1 to 65535, got "${raw}"`)
    }
    return value
  }
  const auditRate = env.MLBRIDGE_AUDIT_RATE === undefined || env.MLBRIDGE_AUDIT_RATE === '' ? undefined : rateFlag('MLBRIDGE_AUDIT_RATE', env.MLBRIDGE_AUDIT_RATE)
  return {
    ...(auditRate === undefined ? {} : { auditRate }),
    root,
    dataDir: env.MLBRIDGE_DATA_DIR ?? join(root, '.mlbridge'),
    host: '127.0.0.1',
    rpcPort: port('rpcPort'),
    relayPort: port('relayPort'),
    appPort: port('appPort'),
    metricsPort: port('metricsPort'),
    gatewayPort: port('gatewayPort'),
    indexerPort: port('indexerPort'),
    webhooksPort: port('webhooksPort')
  }
}

/**
 * Brings up the whole local network: chain, contracts, indexer, relay + pinner, gateway, referee,
 * webhooks, app. Every part binds to loopback only. On failure, whatever already started is stopped again.
 */
export async function startStack (opts: StackOptions, log: (line: string) => void = () => {}): Promise<Stack> {
  for (const key of Object.keys(PORT_VARIABLES) as Array<keyof typeof PORT_VARIABLES>) {
    await assertPortFree(opts.host, opts[key], PORT_VARIABLES[key].service, PORT_VARIABLES[key].env)
  }
  mkdirSync(opts.dataDir, { recursive: true })
  const stackFile = join(opts.dataDir, 'stack.json')
  const stops: Array<() => Promise<void>> = []
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step().catch(() => {})
    stops.length = 0
  }
  const timed = async <T>(label: string, work: () => Promise<T>): Promise<T> => {
    const started = performance.now()
    const result = await work()
    log(`${label} (${((performance.now() - started) / 1000).toFixed(1)} s)`)
    return result
  }

  try {
    const anvil: Anvil = await timed('chain started', async () => await startAnvil({ root: opts.root, host: opts.host, port: opts.rpcPort, chainId: LOCAL_CHAIN_ID }))
    stops.push(anvil.stop)
    const { contracts, deploymentBlock } = await timed('contracts deployed', async () => await deployContracts({ root: opts.root, rpcUrl: anvil.rpcUrl, chainId: LOCAL_CHAIN_ID, dataDir: opts.dataDir }))
    if (generateBindings()) log('contract bindings regenerated')
    // Ponder takes seconds to build and catch up: it starts now and is awaited once the rest is up.
    const indexerStarted = performance.now()
    const indexing: Promise<Indexer> = startIndexer({
      root: opts.root, host: opts.host, port: opts.indexerPort, rpcUrl: anvil.rpcUrl, wsUrl: anvil.wsUrl, chainId: LOCAL_CHAIN_ID, contracts, startBlock: deploymentBlock, pgliteDir: join(opts.dataDir, 'indexer')
    })
    stops.push(async () => { await (await indexing.catch(() => undefined))?.stop() })
    // the pinner asks this chain who may upload, and when a task's pins may go
    const chain = {
      publicClient: createPublicClient({ chain: protocolChain({ chainId: LOCAL_CHAIN_ID, rpcUrl: anvil.rpcUrl }), transport: rpcTransport(anvil.rpcUrl), pollingInterval: 500 }),
      ...deploymentOf({ contracts, deploymentBlock })
    }
    const relay: Relay = await timed('relay and pinner started', async () => await startRelay({ host: opts.host, port: opts.relayPort, dataDir: join(opts.dataDir, 'relay'), chainId: LOCAL_CHAIN_ID, chain }))
    stops.push(relay.stop)
    const relayMultiaddr = relay.multiaddrs[0]
    if (relayMultiaddr === undefined) throw new Error('the relay reported no listening address')
    // read-only over the pinner's blockstore: it serves what the pinner holds and never fetches
    const gateway = await startGateway({ blocks: relay.helia.blockstore, host: opts.host, port: opts.gatewayPort })
    stops.push(gateway.stop)
    log(`trustless gateway at ${gateway.url}/ipfs/{cid}`)
    // its own process, reading the artifacts through the gateway; see node/referee/process.ts
    const refereeAccount = devAccount(LOCAL_REFEREE_ACCOUNT)
    const referee = await timed('referee started', async () => await startRefereeProcess({
      root: opts.root,
      settings: { rpcUrl: anvil.rpcUrl, chainId: LOCAL_CHAIN_ID, contracts, deploymentBlock, gateway: gateway.url, privateKey: toHex(refereeAccount.getHdKey().privateKey!), ...(opts.auditRate === undefined ? {} : { auditRate: opts.auditRate }) },
      address: refereeAccount.address,
      pinning: relay.pinning,
      logger: operatorLogger('stack')
    }))
    stops.push(referee.stop)
    log(`referee running as process ${String(referee.pid())}`)
    const collect = (): OperatorMetrics => {
      const counters = referee.metrics()
      return { ...relay.metrics(), ...(counters === undefined ? {} : { referee: counters }), gateway: gateway.metrics() }
    }
    const metrics = await startMetricsServer({ port: opts.metricsPort, collect })
    stops.push(metrics.stop)
    const metricsUrl = `${metrics.url}/metrics`
    log(`metrics at ${metricsUrl}`)
    const indexer = await indexing
    log(`indexer started (${((performance.now() - indexerStarted) / 1000).toFixed(1)} s): REST ${indexer.url}, GraphQL ${indexer.graphqlUrl}`)
    // it reads the indexer's feed, so it starts once the indexer answers; its store outlives restarts of the stack
    const genesis = await chain.publicClient.getBlock({ blockNumber: 0n })
    const webhooks = await startWebhookService({ api: indexer.url, feed: genesis.hash, host: opts.host, port: opts.webhooksPort, file: join(opts.dataDir, 'webhooks.json') })
    stops.push(webhooks.stop)
    log(`webhooks at ${webhooks.url}/webhooks`)

    const appUrl = `http://localhost:${opts.appPort}`
    const info = parseStackInfo({ appUrl, rpcUrl: anvil.rpcUrl, metricsUrl, gateway: gateway.url, api: indexer.url, graphql: indexer.graphqlUrl, webhooks: webhooks.url, chainId: LOCAL_CHAIN_ID, relayMultiaddr, contracts, deploymentBlock }, 'the started stack')
    writeFileSync(stackFile, `${JSON.stringify(info, null, 2)}\n`)
    process.env.MLBRIDGE_STACK_FILE = stackFile

    const vite: ViteDevServer = await timed('app server started', async () => {
      const server = await createServer({
        root: opts.root,
        configFile: join(opts.root, 'vite.config.ts'),
        server: { host: opts.host, port: opts.appPort, strictPort: true },
        logLevel: 'warn'
      })
      return await server.listen()
    })
    stops.push(async () => { await vite.close() })
    return { info, stackFile, referee, stop }
  } catch (error) {
    await stop()
    throw error
  }
}
