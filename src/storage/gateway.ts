/**
 * Reads artifacts from an IPFS trustless gateway (https://specs.ipfs.tech/http-gateways/trustless-gateway/)
 * over plain HTTP, so a browser or a script needs no libp2p node to download a model. Nothing the
 * gateway sends is trusted: every block is hashed against the CID it was asked for (or that its
 * CAR section names) before it is used, and the blob is rebuilt by the same blob store, with the
 * same per-kind limits, that reads it from Helia. Requests go to the configured gateway only:
 * redirects are refused, so a gateway cannot send the client to another host.
 */
import { CID } from 'multiformats/cid'
import { identity } from 'multiformats/hashes/identity'
import { collectBytes } from '../core/bytes.ts'
import { createBlobStore, decodeBlobRoot, MAX_ROOT_BYTES, type BlockAccess } from './blobs.ts'
import { readCar } from './car.ts'
import { toCid, verifyBlock } from './cid.ts'
import { GatewayError } from './errors.ts'
import { DEFAULT_LIMITS, type ArtifactLimits } from './limits.ts'
import type { ArtifactKind } from '../core/messages/schemas.ts'

/** Bitswap's block ceiling: no block ML Bridge writes is larger (chunks ≤ 2 MiB, roots ≤ 1 MiB). */
export const MAX_GATEWAY_BLOCK_BYTES = 2 * 1024 * 1024

export const RAW_MEDIA_TYPE = 'application/vnd.ipld.raw'
export const CAR_MEDIA_TYPE = 'application/vnd.ipld.car'

export interface GatewayClientInit {
  /** the gateway's base URL, e.g. stack.json's `gateway` (http://127.0.0.1:4004) */
  baseUrl: string
  /** @default globalThis.fetch */
  fetch?: typeof fetch
}

export interface GatewayBlobOptions {
  kind: ArtifactKind
  limits?: Partial<ArtifactLimits>
  /**
   * `car`: one request for the whole DAG (`dag-scope=all`); `blocks`: the root, then each chunk as
   * a raw block, `concurrency` at a time @default 'car'
   */
  via?: 'car' | 'blocks'
  concurrency?: number
  signal?: AbortSignal
}

/** The gateway's base URL, checked (http(s), no query, fragment or credentials), without its trailing slash. */
export function gatewayBaseUrl (baseUrl: string): string {
  let url: URL
  try {
    url = new URL(baseUrl)
  } catch (err) {
    throw new GatewayError(baseUrl, 'not a URL', undefined, { cause: err })
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new GatewayError(baseUrl, 'a gateway URL is http or https')
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') throw new GatewayError(baseUrl, 'a gateway URL has no query, fragment or credentials')
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`
}

function blockUrl (base: string, cid: CID, format: 'raw' | 'car', extra = ''): string {
  // the CID's string form is base32/base58 only, so it cannot leave the base URL's path
  return `${base}/ipfs/${cid.toString()}?format=${format}${extra}`
}

interface Requester {
  get: (url: string, accept: string, signal?: AbortSignal) => Promise<Response>
}

function requester (init: GatewayClientInit): Requester {
  const fetchFn = init.fetch ?? globalThis.fetch.bind(globalThis)
  return {
    get: async (url, accept, signal) => {
      let response: Response
      try {
        // redirect 'error': a gateway must not point the client at another host
        response = await fetchFn(url, { headers: { accept }, redirect: 'error', credentials: 'omit', signal })
      } catch (err) {
        if (signal?.aborted === true) throw err
        throw new GatewayError(url, `request failed: ${err instanceof Error ? err.message : String(err)}`, undefined, { cause: err })
      }
      if (!response.ok) {
        const detail = (await response.text().catch(() => '')).slice(0, 200).trim()
        throw new GatewayError(url, `HTTP ${response.status}${detail === '' ? '' : `: ${detail}`}`, response.status)
      }
      const type = response.headers.get('content-type') ?? ''
      const expected = accept.split(';')[0] as string
      if (!type.toLowerCase().startsWith(expected)) {
        await response.body?.cancel().catch(() => {})
        throw new GatewayError(url, `answered ${type === '' ? 'without a content type' : type}, not ${expected}`, response.status)
      }
      return response
    }
  }
}

/** A response body as chunks, cancelled (not drained) once the reader stops early. */
async function * bodyChunks (url: string, response: Response): AsyncGenerator<Uint8Array> {
  if (response.body == null) throw new GatewayError(url, 'response has no body')
  const reader = response.body.getReader()
  try {
    while (true) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

async function readCapped (url: string, response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length') ?? NaN)
  if (declared > maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw new GatewayError(url, `block of ${declared} bytes is over the ${maxBytes}-byte block limit`)
  }
  return await collectBytes(bodyChunks(url, response), { maxBytes, tooLarge: () => new GatewayError(url, `block is over the ${maxBytes}-byte block limit`) })
}

/**
 * Block access over a gateway's raw-block responses: read-only, one verified block per `get`.
 * Plugs into the blob and manifest stores wherever they take a `BlockAccess`.
 */
export function gatewayBlocks (init: GatewayClientInit): BlockAccess {
  const base = gatewayBaseUrl(init.baseUrl)
  const http = requester(init)
  return {
    get: async function * (cid, options) {
      // an identity CID carries its bytes: nothing to ask for (the spec's probe CID is one)
      if (cid.multihash.code === identity.code) {
        yield cid.multihash.digest
        return
      }
      const url = blockUrl(base, cid, 'raw')
      const response = await http.get(url, RAW_MEDIA_TYPE, options?.signal)
      const bytes = await readCapped(url, response, MAX_GATEWAY_BLOCK_BYTES)
      // the point of a trustless gateway: the bytes are the block only if they hash to its CID
      await verifyBlock(cid, bytes)
      yield bytes
    },
    put: () => { throw new GatewayError(init.baseUrl, 'a gateway is read-only') }
  }
}

export interface CarFetchOptions {
  /** refuse the response once its blocks add up to more than this */
  maxBytes: number
  signal?: AbortSignal
  /** told of each verified block in stream order; may tighten the cap (return a smaller number) */
  onBlock?: (cid: CID, bytes: Uint8Array) => number | undefined
}

/**
 * Fetches the whole DAG under `cid` as one CAR (`dag-scope=all`) and returns its blocks by CID
 * string, each verified against the CID its section names. Blocks nobody asked for are kept (the
 * spec lets a gateway send them) but count against `maxBytes`.
 */
export async function fetchCarBlocks (init: GatewayClientInit, cidIn: CID | string, opts: CarFetchOptions): Promise<Map<string, Uint8Array>> {
  const cid = toCid(cidIn)
  const url = blockUrl(gatewayBaseUrl(init.baseUrl), cid, 'car', '&dag-scope=all')
  const response = await requester(init).get(url, `${CAR_MEDIA_TYPE}; version=1; order=dfs; dups=n`, opts.signal)
  const blocks = new Map<string, Uint8Array>()
  let maxBytes = opts.maxBytes
  let total = 0
  for await (const block of readCar(bodyChunks(url, response), { maxBlockBytes: MAX_GATEWAY_BLOCK_BYTES }).blocks()) {
    total += block.bytes.length
    if (total > maxBytes) throw new GatewayError(url, `CAR carries more than ${maxBytes} bytes of blocks, more than the artifact can hold`)
    await verifyBlock(block.cid, block.bytes)
    blocks.set(block.cid.toString(), block.bytes)
    maxBytes = opts.onBlock?.(block.cid, block.bytes) ?? maxBytes
  }
  return blocks
}

/**
 * Downloads one blob (a model, delta, shard or spec) from a gateway and returns its bytes, checked
 * like any other read: every block hashed, the root's kind and size against the kind's limit, each
 * chunk's length against the root.
 */
export async function fetchBlobFromGateway (init: GatewayClientInit, cidIn: CID | string, opts: GatewayBlobOptions): Promise<Uint8Array> {
  const cid = toCid(cidIn)
  const limits: ArtifactLimits = { ...DEFAULT_LIMITS, ...opts.limits }
  if (opts.via === 'blocks') {
    const store = createBlobStore({ blocks: gatewayBlocks(init), limits, concurrency: opts.concurrency })
    return await store.get(cid, { kind: opts.kind, signal: opts.signal })
  }
  const blocks = await fetchCarBlocks(init, cid, {
    maxBytes: limits[opts.kind] + MAX_ROOT_BYTES,
    signal: opts.signal,
    // the root comes first in a depth-first CAR: once it states the size, no more than that is taken
    onBlock: (blockCid, bytes) => blockCid.equals(cid) ? bytes.length + decodeBlobRoot(cid, bytes, opts.kind, limits).size : undefined
  })
  const url = init.baseUrl
  const store = createBlobStore({
    limits,
    blocks: {
      get: (block) => {
        const bytes = blocks.get(block.toString())
        if (bytes === undefined) throw new GatewayError(url, `the CAR for ${cid.toString()} lacks block ${block.toString()} (a cut-short response, or a gateway that does not hold the whole DAG)`)
        return [bytes]
      },
      put: () => { throw new GatewayError(url, 'a gateway is read-only') }
    }
  })
  return await store.get(cid, { kind: opts.kind, signal: opts.signal })
}
