/**
 * The indexer (indexer/, a Ponder app) as a child process: it reads the chain's events into tables
 * and serves them over REST and GraphQL. Ponder runs in its own process because it owns its
 * build (vite-node), its database and its signal handling.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { hexToNumber, http } from 'viem'
import { startProcess, type RunningProcess } from './processes.ts'

export const DEFAULT_INDEXER_PORT = 42069

export interface IndexerOptions {
  root: string
  host: string
  port: number
  rpcUrl: string
  /** the chain's WebSocket endpoint, for new heads in order (see indexer/env.ts); without it Ponder polls `rpcUrl` */
  wsUrl?: string
  chainId: number
  contracts: Readonly<Record<string, string>>
  /** the block the contracts were deployed in: nothing older is read @default 0 */
  startBlock?: number
  /** PGlite's folder, emptied first: a local chain starts afresh each time, so must its index (ignored with DATABASE_URL) */
  pgliteDir: string
  /** how often Ponder polls the chain for new blocks @default 1000 */
  pollingIntervalMs?: number
  /** Postgres instead of PGlite @default process.env.DATABASE_URL */
  databaseUrl?: string
  timeoutMs?: number
}

export interface Indexer {
  /** the API's base URL: REST routes, /health, /ready, /status */
  url: string
  graphqlUrl: string
  /** the last block it has indexed */
  indexedBlock(): Promise<number>
  /** Resolves once the indexer has indexed `block` and every block mined before the call. */
  waitForBlock(block: bigint | number, timeoutMs?: number): Promise<void>
  output(): string
  stop(): Promise<void>
}

/** Ponder's /status: the latest indexed block per chain (the config names the one chain `mlbridge`). */
async function indexedBlock (url: string): Promise<number> {
  const response = await fetch(`${url}/status`)
  if (!response.ok) throw new Error(`the indexer's /status answered ${response.status}`)
  const status = await response.json() as Record<string, { block?: { number?: number } } | undefined>
  return status.mlbridge?.block?.number ?? -1
}

async function waitUntil (what: string, proc: RunningProcess, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) throw new Error(`the indexer exited while waiting for ${what}:\n${proc.output()}`)
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the indexer did not reach ${what} within ${timeoutMs} ms:\n${proc.output().slice(-4000)}`)
}

/** Starts Ponder and resolves once /ready answers 200 (the blocks so far are indexed). */
export async function startIndexer (opts: IndexerOptions): Promise<Indexer> {
  const databaseUrl = opts.databaseUrl ?? process.env.DATABASE_URL
  if (databaseUrl === undefined || databaseUrl === '') await rm(opts.pgliteDir, { recursive: true, force: true })
  const { PORT: _port, DATABASE_URL: _url, DATABASE_PRIVATE_URL: _private, DATABASE_SCHEMA: _schema, MLBRIDGE_WS_URL: _ws, MLBRIDGE_START_BLOCK: _start, ...env } = process.env
  const proc = startProcess(join(opts.root, 'node_modules/.bin/ponder'), [
    'start', '--root', join(opts.root, 'indexer'), '--schema', 'mlbridge', '--port', String(opts.port), '--hostname', opts.host, '--log-format', 'json'
  ], {
    // Ponder's GraphQL middleware writes generated/schema.graphql under the working directory (gitignored there)
    cwd: join(opts.root, 'indexer'),
    env: {
      ...env,
      // Ponder otherwise reports usage to ponder.sh; nothing here talks beyond loopback
      PONDER_TELEMETRY_DISABLED: 'true',
      MLBRIDGE_RPC_URL: opts.rpcUrl,
      ...(opts.wsUrl === undefined ? {} : { MLBRIDGE_WS_URL: opts.wsUrl }),
      MLBRIDGE_CHAIN_ID: String(opts.chainId),
      MLBRIDGE_CONTRACTS: JSON.stringify(opts.contracts),
      ...(opts.startBlock === undefined ? {} : { MLBRIDGE_START_BLOCK: String(opts.startBlock) }),
      MLBRIDGE_INDEXER_PGLITE_DIR: opts.pgliteDir,
      MLBRIDGE_INDEXER_POLLING_MS: String(opts.pollingIntervalMs ?? 1000),
      ...(databaseUrl === undefined || databaseUrl === '' ? {} : { DATABASE_URL: databaseUrl })
    }
  })
  const url = `http://${opts.host}:${opts.port}`
  const rpc = http(opts.rpcUrl, { retryCount: 0 })({})
  try {
    await waitUntil('/ready', proc, opts.timeoutMs ?? 60_000, async () => (await fetch(`${url}/ready`)).status === 200)
  } catch (error) {
    await proc.stop()
    throw error
  }
  return {
    url,
    graphqlUrl: `${url}/graphql`,
    indexedBlock: async () => await indexedBlock(url),
    waitForBlock: async (block, timeoutMs = 20_000) => {
      // Callers pass the head as their viem client just read it, which can be a block behind their
      // last receipt: getBlockNumber answers from the client's cache (or a request in flight), which
      // its receipt polling filled before that block was mined. Here the node itself is asked.
      const head = hexToNumber(await rpc.request({ method: 'eth_blockNumber' }))
      const target = Math.max(Number(block), head)
      await waitUntil(`block ${target}`, proc, timeoutMs, async () => await indexedBlock(url) >= target)
    },
    output: proc.output,
    stop: proc.stop
  }
}
