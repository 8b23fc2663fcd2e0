/** The indexer as the tests start it: on a local chain, from this checkout, polling it briskly. */
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { startIndexer, type Indexer, type IndexerOptions } from '../indexer.ts'
import { freePort } from '../ports.ts'
import type { LocalChain } from './localChain.ts'

/** Ponder starting on 2 loaded cores (CI runs several indexer tests at once) can take minutes. */
export const INDEXER_STARTUP_MS = 180_000

const root = fileURLToPath(new URL('../..', import.meta.url))

/** Starts the indexer on `local`, its PGlite under `dir` (unless DATABASE_URL or `over` names Postgres). */
export async function startTestIndexer (local: Pick<LocalChain, 'rpcUrl' | 'wsUrl' | 'contracts'>, dir: string, over: Partial<IndexerOptions> = {}): Promise<Indexer> {
  return await startIndexer({
    root, host: '127.0.0.1', port: await freePort(), rpcUrl: local.rpcUrl, wsUrl: local.wsUrl, chainId: LOCAL_CHAIN_ID, contracts: local.contracts,
    pgliteDir: join(dir, 'pglite'), pollingIntervalMs: 100, timeoutMs: INDEXER_STARTUP_MS, ...over
  })
}
