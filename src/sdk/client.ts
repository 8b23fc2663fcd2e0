/**
 * The ML Bridge SDK's read side, for a page or a script: tasks and versions from the indexer's
 * REST API (every answer parsed with the schemas the indexer documents), and a version's model
 * downloaded over the trustless gateway, every block checked against its CID and the whole blob
 * against the version's commit hash, so neither server has to be trusted for the bytes.
 */
import { CID } from 'multiformats/cid'
import { hexToBytes } from 'viem'
import type { z } from '../core/zod.ts'
import { errorKind, MLBridgeError } from '../core/errors.ts'
import { versionCommitHash } from '../core/version/blob.ts'
import { fetchBlobFromGateway } from '../storage/gateway.ts'
import {
  dataSetPageSchema, errorSchema, modelPageSchema, taskDetailSchema, taskPageSchema, versionPageSchema, type DataSet, type Model, type Page, type Task, type TaskDetail, type Version
} from './schemas.ts'

export interface ClientOptions {
  /** the indexer's REST base URL (stack.json's `api`) */
  api: string
  /** the trustless gateway's base URL (stack.json's `gateway`), for downloads */
  gateway?: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

export interface PageQuery {
  /** 1 to 200 @default 50 */
  limit?: number
  /** the `nextCursor` of the previous page */
  cursor?: string
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

export type ModelSort = 'newest' | 'oldest' | 'accuracy' | 'loss' | 'name'

export interface ModelQuery extends PageQuery {
  /** text in the name or the description, any case */
  q?: string
  /** @default 'newest' */
  sort?: ModelSort
  task?: bigint | string
  owner?: string
  dataSet?: bigint | string
}

export interface MLBridgeClient {
  tasks: (query?: PageQuery) => Promise<Page<Task>>
  task: (id: bigint | string) => Promise<TaskDetail>
  versions: (query?: PageQuery & { task?: bigint | string }) => Promise<Page<Version>>
  /** The market's models: each with its head's metrics and its data set's name and licence. */
  models: (query?: ModelQuery) => Promise<Page<Model>>
  dataSets: (query?: PageQuery & { q?: string }) => Promise<Page<DataSet>>
  /** The version blob (weights and momentum, docs/protocol.md section 9) from the gateway, checked against `version.commitHash`. */
  downloadModel: (version: Pick<Version, 'id' | 'modelCid' | 'commitHash'>, options?: { signal?: AbortSignal }) => Promise<Uint8Array>
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

  return {
    tasks: async (query = {}) => await get('/tasks', { ...query }, taskPageSchema),
    task: async (id) => await get(`/tasks/${id}`, {}, taskDetailSchema),
    versions: async (query = {}) => await get('/versions', { ...query }, versionPageSchema),
    models: async (query = {}) => await get('/models', { ...query }, modelPageSchema),
    dataSets: async (query = {}) => await get('/datasets', { ...query }, dataSetPageSchema),
    downloadModel: async (version, opts = {}) => {
      if (options.gateway === undefined) throw new MLBridgeError('NO_GATEWAY', 'createClient was given no gateway to download from')
      if (version.modelCid === null || version.commitHash === null) throw new MLBridgeError('VERSION_INCOMPLETE', `version ${version.id} has no model registered yet`)
      const bytes = await fetchBlobFromGateway({ baseUrl: options.gateway, ...(options.fetch === undefined ? {} : { fetch: options.fetch }) }, CID.decode(hexToBytes(version.modelCid as `0x${string}`)), { kind: 'model', ...(opts.signal === undefined ? {} : { signal: opts.signal }) })
      if (versionCommitHash(bytes).toLowerCase() !== version.commitHash.toLowerCase()) {
        throw new ModelMismatchError(`the model ${version.modelCid} does not hash to version ${version.id}'s commit hash ${version.commitHash}`)
      }
      return bytes
    }
  }
}
