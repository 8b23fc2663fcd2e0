/**
 * Where a page reads the protocol's records: the indexer's API where the network has one (a few
 * requests, however long the chain), else the chain itself (a task's event log, and contract reads).
 * The API trails the chain by a block or so, so a loader tells a thing the API has yet to index
 * ('indexing') from one that does not exist ('missing') by asking the chain's counters.
 */
import type { ProtocolEventLog } from '../chain/eventLog.ts'
import { ApiError, type MLBridgeClient } from '../sdk/index.ts'

export type ReadSource = { api: MLBridgeClient } | { taskLog: (taskId: bigint) => ProtocolEventLog }

/** What a loader answers for an ID it cannot show. */
export type Unread = 'missing' | 'indexing'

/** The API's answer, or undefined where it has not indexed the thing (a 404). */
export async function indexed<T> (read: Promise<T>): Promise<T | undefined> {
  return await read.catch((error: unknown) => {
    if (error instanceof ApiError && error.status === 404) return undefined
    throw error
  })
}

/** Why the API had nothing: the chain has it (the indexer has yet to reach it) or nobody does. */
export async function unindexed (onChain: Promise<boolean>): Promise<Unread> {
  return await onChain ? 'indexing' : 'missing'
}
