/**
 * The ML Bridge SDK's read side, for a page or a script: tasks and versions from the indexer's
 * REST API (every answer parsed with the schemas the indexer documents), and a version's model
 * downloaded over the trustless gateway, every block checked against its CID and the whole blob
 * against the version's commit hash, so neither server has to be trusted for the bytes.
 */
import { CID } from 'multiformats/cid'
import { hexToBytes } from 'viem'
import { readTaskCreation } from '../chain/actions/readTaskCreation.ts'
import { readVersion } from '../chain/actions/readVersion.ts'
import type { ReadContext } from '../chain/actions/types.ts'
import type { z } from '../core/zod.ts'
import { errorKind, MLBridgeError } from '../core/errors.ts'
import { hasCommitHash } from '../core/version/blob.ts'
import { fetchBlobFromGateway } from '../storage/gateway.ts'
import {
  dataSetPageSchema, disputePageSchema, errorSchema, eventPageSchema, eventSchema, modelPageSchema, modelSchema, networkStatsSchema, providerSchema, taskDetailSchema, taskPageSchema, versionPageSchema, versionSchema,
  type DataSet, type Dispute, type DisputeState, type EventName, type Model, type NetworkStats, type Page, type ProtocolEvent, type Provider, type Task, type TaskDetail, type TaskStatus, type Version
} from './schemas.ts'
import { readSSE } from './sse.ts'

export interface ClientOptions {
  /** the indexer's REST base URL (stack.json's `api`) */
  api: string
  /** the trustless gateway's base URL (stack.json's `gateway`), for downloads */
  gateway?: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /**
   * The chain to check the API against (a public client on stack.json's RPC URL and the
   * contracts): downloads then take a version's model CID and commit hash, and a task's spec CID,
   * from the chain, so an API that lies cannot pass off another model or spec. Without it those
   * come from the API and are trusted (the gateway's bytes are still checked against them).
   */
  chain?: ReadContext
}

export interface PageQuery {
  /** 1 to 200 @default 50 */
  limit?: number
  /** the `nextCursor` of the previous page */
  cursor?: string
}

export interface EventFilter {
  /** only the events of this task (each event's `taskId`): those naming it, and those of its versions, result challenges and slashes */
  task?: bigint | string
  /** only these events */
  name?: EventName | EventName[]
}

export interface WatchEventsOptions extends EventFilter {
  /** start after this event ID (a page's `nextCursor` or an event's `id`) @default the feed's start */
  after?: string
  /** stops the watch, as the returned function does */
  signal?: AbortSignal
  /** told of each failure; a refused request (4xx) ends the watch, anything else is retried after `retryMs` */
  onError?: (error: unknown) => void
  /** @default 1000 */
  retryMs?: number
}

/** The API refused the request (`status` 4xx, its `error` sentence as the message) or failed. */
export class ApiError extends MLBridgeError {
  override name = 'ApiError'
  constructor (readonly status: number, readonly url: string, message: string) {
    super('API_ERROR', `${url}: ${status} ${message}`)
  }
}

/** A downloaded model does not hash to its version's commit hash. */
export class ModelMismatchError extends errorKind('MODEL_MISMATCH') {
  override name = 'ModelMismatchError'
}

/** The API's answer disagrees with the chain it indexes (a client given `chain` checks what it downloads by). */
export class ApiMismatchError extends errorKind('API_MISMATCH') {
  override name = 'ApiMismatchError'
}

export interface TaskQuery extends PageQuery {
  /** only the tasks in these statuses */
  status?: TaskStatus | TaskStatus[]
  /** only the tasks this account joined */
  provider?: string
  /** oldest first (`asc`, the default) or newest first; `cursor` continues in the same order */
  order?: 'asc' | 'desc'
}

export type ModelSort = 'newest' | 'oldest' | 'accuracy' | 'loss' | 'name'

export interface ModelQuery extends PageQuery {
  /** text in the name or the description, any case */
  q?: string
  /** @default 'newest' */
  sort?: ModelSort
  task?: bigint | string
  owner?: string
  dataSet?: bigint | string
  /** only the forks of this model's versions */
  forkOf?: bigint | string
}

export interface VersionQuery extends PageQuery {
  /** only the versions of this task */
  task?: bigint | string
  /** only the versions registered in this model (its genesis, task rounds and merges) */
  model?: bigint | string
}

export interface DisputeQuery extends PageQuery {
  /** only the disputes of this task */
  task?: bigint | string
  /** only the disputes in these states */
  state?: DisputeState | DisputeState[]
}

export interface MLBridgeClient {
  /** The network at a glance: providers online, tasks joining and running, versions trained, results verified, rewards paid. */
  stats: () => Promise<NetworkStats>
  tasks: (query?: TaskQuery) => Promise<Page<Task>>
  task: (id: bigint | string) => Promise<TaskDetail>
  versions: (query?: VersionQuery) => Promise<Page<Version>>
  version: (id: bigint | string) => Promise<Version>
  /** A provider's record: tasks, accepted results, rewards, reputation, slashes and stake. */
  provider: (address: string) => Promise<Provider>
  /** The market's models: each with its head's metrics and its data set's name and licence. */
  models: (query?: ModelQuery) => Promise<Page<Model>>
  model: (id: bigint | string) => Promise<Model>
  dataSets: (query?: PageQuery & { q?: string }) => Promise<Page<DataSet>>
  /** Challenged results and versions in the order they were (last) opened, with their verdicts and slashes. */
  disputes: (query?: DisputeQuery) => Promise<Page<Dispute>>
  /** Contract events in chain order, a page at a time; `cursor` is the previous page's `nextCursor`. */
  events: (query?: PageQuery & EventFilter) => Promise<Page<ProtocolEvent>>
  /**
   * Calls `onEvent` for each event after `after`, then for each new one as it is indexed, one at a
   * time and in order (a returned promise is awaited). Reconnects after a dropped connection from
   * the last event seen. Returns the function that stops it.
   */
  watchEvents: (options: WatchEventsOptions, onEvent: (event: ProtocolEvent) => void | Promise<void>) => () => void
  /** The version blob (weights and momentum, docs/protocol.md section 9) from the gateway, checked against `version.commitHash` (and that against the chain, given `chain`). */
  downloadModel: (version: Pick<Version, 'id' | 'modelCid' | 'commitHash'>, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
  /** The task's spec (JSON, docs/protocol.md) from the gateway, every block checked against the task's `specCid` (and that against the chain, given `chain`); decode it with `decodeTaskSpec`. */
  downloadSpec: (task: Pick<Task, 'id' | 'specCid'>, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
}

export function createClient (options: ClientOptions): MLBridgeClient {
  const http = options.fetch ?? globalThis.fetch
  const base = options.api.replace(/\/+$/, '')

  const get = async <S extends z.ZodType>(path: string, query: Record<string, string | number | bigint | undefined>, schema: S): Promise<z.output<S>> => {
    const params = new URLSearchParams()
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value))
    const url = `${base}${path}${params.size === 0 ? '' : `?${params.toString()}`}`
    const response = await http(url, { headers: { accept: 'application/json' } })
    const body: unknown = await response.json().catch(() => undefined)
    if (!response.ok) {
      const refusal = errorSchema.safeParse(body)
      throw new ApiError(response.status, url, refusal.success ? refusal.data.error : response.statusText)
    }
    const parsed = schema.safeParse(body)
    if (!parsed.success) throw new ApiError(response.status, url, `the answer does not match the API's schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    return parsed.data
  }

  const filterQuery = (filter: EventFilter): Record<string, string | undefined> => ({
    task: filter.task === undefined ? undefined : String(filter.task),
    name: filter.name === undefined ? undefined : [filter.name].flat().join(',')
  })

  const watchEvents = (opts: WatchEventsOptions, onEvent: (event: ProtocolEvent) => void | Promise<void>): (() => void) => {
    const controller = new AbortController()
    if (opts.signal?.aborted === true) controller.abort()
    opts.signal?.addEventListener('abort', () => { controller.abort() }, { once: true })
    const signal = controller.signal
    let after = opts.after
    const connect = async (): Promise<void> => {
      const params = new URLSearchParams()
      for (const [key, value] of Object.entries(filterQuery(opts))) if (value !== undefined) params.set(key, value)
      const url = `${base}/events/stream${params.size === 0 ? '' : `?${params.toString()}`}`
      const response = await http(url, { headers: { accept: 'text/event-stream', ...(after === undefined ? {} : { 'last-event-id': after }) }, signal })
      if (!response.ok || response.body === null) {
        const refusal = errorSchema.safeParse(await response.json().catch(() => undefined))
        throw new ApiError(response.status, url, refusal.success ? refusal.data.error : response.statusText)
      }
      for await (const message of readSSE(response.body)) {
        const parsed = eventSchema.safeParse(JSON.parse(message.data))
        if (!parsed.success) throw new ApiError(response.status, url, `an event does not match the API's schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
        await onEvent(parsed.data)
        after = parsed.data.id
      }
    }
    void (async () => {
      while (!signal.aborted) {
        try {
          await connect()
        } catch (error) {
          if (signal.aborted) return
          opts.onError?.(error)
          if (error instanceof ApiError && error.status >= 400 && error.status < 500) return
        }
        if (signal.aborted) return
        await new Promise((resolve) => setTimeout(resolve, opts.retryMs ?? 1000))
      }
    })()
    return () => { controller.abort() }
  }

  /** A blob by its binary CID (hex, as the chain and the API carry it), each block checked against its CID. */
  const download = async (cid: string, kind: 'model' | 'spec', signal: AbortSignal | undefined): Promise<Uint8Array> => {
    if (options.gateway === undefined) throw new MLBridgeError('NO_GATEWAY', 'createClient was given no gateway to download from')
    const init = { baseUrl: options.gateway, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) }
    return await fetchBlobFromGateway(init, CID.decode(hexToBytes(cid as `0x${string}`)), { kind, ...(signal === undefined ? {} : { signal }) })
  }

  return {
    events: async (query = {}) => await get('/events', { limit: query.limit, cursor: query.cursor, ...filterQuery(query) }, eventPageSchema),
    watchEvents,
    stats: async () => await get('/stats', {}, networkStatsSchema),
    tasks: async (query = {}) => await get('/tasks', { ...query, status: query.status === undefined ? undefined : [query.status].flat().join(',') }, taskPageSchema),
    task: async (id) => await get(`/tasks/${id}`, {}, taskDetailSchema),
    versions: async (query = {}) => await get('/versions', { ...query }, versionPageSchema),
    version: async (id) => await get(`/versions/${id}`, {}, versionSchema),
    provider: async (address) => await get(`/providers/${address}`, {}, providerSchema),
    models: async (query = {}) => await get('/models', { ...query }, modelPageSchema),
    model: async (id) => await get(`/models/${id}`, {}, modelSchema),
    dataSets: async (query = {}) => await get('/datasets', { ...query }, dataSetPageSchema),
    disputes: async (query = {}) => await get('/disputes', { ...query, state: query.state === undefined ? undefined : [query.state].flat().join(',') }, disputePageSchema),
    downloadModel: async (version, opts = {}) => {
      if (version.modelCid === null || version.commitHash === null) throw new MLBridgeError('VERSION_INCOMPLETE', `version ${version.id} has no model registered yet`)
      if (options.chain !== undefined) {
        const onChain = await readVersion(options.chain, { versionId: BigInt(version.id) })
        if (onChain.modelCid.toLowerCase() !== version.modelCid.toLowerCase() || onChain.commitHash.toLowerCase() !== version.commitHash.toLowerCase()) {
          throw new ApiMismatchError(`the API gives version ${version.id} as model ${version.modelCid} with commit hash ${version.commitHash}; the chain has model ${onChain.modelCid} with commit hash ${onChain.commitHash}`)
        }
      }
      const bytes = await download(version.modelCid, 'model', opts.signal)
      if (!(await hasCommitHash(bytes, version.commitHash))) {
        throw new ModelMismatchError(`the model ${version.modelCid} does not hash to version ${version.id}'s commit hash ${version.commitHash}`)
      }
      return bytes
    },
    downloadSpec: async (task, opts = {}) => {
      if (options.chain !== undefined) {
        const { specCid } = await readTaskCreation(options.chain, { taskId: BigInt(task.id) })
        if (specCid.toLowerCase() !== task.specCid.toLowerCase()) throw new ApiMismatchError(`the API gives task ${task.id}'s spec as ${task.specCid}; the chain has ${specCid}`)
      }
      return await download(task.specCid, 'spec', opts.signal)
    }
  }
}
