/**
 * What the indexer is told by whoever starts it (node/indexer.ts): the chain and the deployed
 * addresses come from the environment, never from a file in this folder, so one build indexes any
 * deployment. Kept apart from ponder.config.ts so it can be tested without Ponder.
 */
import type { Address } from 'viem'

export const INDEXED_CONTRACTS = ['TaskManager', 'ConsensusVerifier', 'ModelRegistry', 'RewardDistributor', 'DataRegistry', 'ResultChallenges'] as const
export type IndexedContract = typeof INDEXED_CONTRACTS[number]

export interface IndexerEnv {
  rpcUrl: string
  /**
   * The chain's WebSocket endpoint, for new heads: they then arrive in order. Polling over HTTP
   * sends a request every interval without waiting for the last (Ponder 0.16's rpc subscribe), and
   * Ponder takes an answer that arrives after a newer one for a reorg: it reverts the newer
   * blocks' rows, leaves /status where it was, and writes them again only at a later poll.
   */
  wsUrl?: string
  chainId: number
  contracts: Record<IndexedContract, Address>
  startBlock: number
  /** where PGlite keeps its files; unused when DATABASE_URL points at Postgres */
  pgliteDir?: string
  pollingIntervalMs: number
}

/** Reads the MLBRIDGE_* variables; a missing or malformed one fails naming it (Ponder shows the message). */
export function indexerEnv (env: NodeJS.ProcessEnv): IndexerEnv {
  const required = (name: string): string => {
    const value = env[name]
    if (value === undefined || value === '') throw new Error(`the indexer needs ${name} (node/indexer.ts sets it)`)
    return value
  }
  const integer = (name: string, fallback?: number): number => {
    const raw = env[name]
    if ((raw === undefined || raw === '') && fallback !== undefined) return fallback
    const value = Number(required(name))
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`)
    return value
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(required('MLBRIDGE_CONTRACTS'))
  } catch (error) {
    throw new Error(`MLBRIDGE_CONTRACTS must be a JSON object of contract addresses: ${(error as Error).message}`)
  }
  const all = (typeof parsed === 'object' && parsed !== null ? parsed : {}) as Record<string, unknown>
  const contracts = Object.fromEntries(INDEXED_CONTRACTS.map((name) => {
    const address = all[name]
    if (typeof address !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(address)) throw new Error(`MLBRIDGE_CONTRACTS has no address for ${name}`)
    return [name, address as Address]
  })) as Record<IndexedContract, Address>
  const pgliteDir = env.MLBRIDGE_INDEXER_PGLITE_DIR
  const wsUrl = env.MLBRIDGE_WS_URL
  if (wsUrl !== undefined && wsUrl !== '' && !/^wss?:\/\//.test(wsUrl)) throw new Error(`MLBRIDGE_WS_URL must be a ws:// or wss:// URL, got "${wsUrl}"`)
  return {
    rpcUrl: required('MLBRIDGE_RPC_URL'),
    ...(wsUrl === undefined || wsUrl === '' ? {} : { wsUrl }),
    chainId: integer('MLBRIDGE_CHAIN_ID'),
    contracts,
    startBlock: integer('MLBRIDGE_START_BLOCK', 0),
    ...(pgliteDir === undefined || pgliteDir === '' ? {} : { pgliteDir }),
    pollingIntervalMs: integer('MLBRIDGE_INDEXER_POLLING_MS', 1000)
  }
}
