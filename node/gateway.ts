/**
 * The pinner's IPFS trustless gateway (https://specs.ipfs.tech/http-gateways/trustless-gateway/):
 * `GET|HEAD /ipfs/{cid}` answers with the raw block or a CAR of the DAG under it, straight from a
 * blockstore, so a browser or a script downloads an artifact over plain HTTP and verifies it
 * itself (src/storage/gateway.ts). Only verifiable responses: no deserialized content, no
 * directory listings, no paths, no IPNS. It never fetches from the network: a block the store
 * does not hold is a 404.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import * as dagCbor from '@ipld/dag-cbor'
import * as dagJson from '@ipld/dag-json'
import { createUnsafe } from 'multiformats/block'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { identity } from 'multiformats/hashes/identity'
import { collectBytes } from '../src/core/bytes.ts'
import { encodeCarBlock, encodeCarHeader } from '../src/storage/car.ts'
import { CAR_MEDIA_TYPE, RAW_MEDIA_TYPE } from '../src/storage/gateway.ts'

export const DEFAULT_GATEWAY_PORT = 4004

/** Above the pinner's largest DAG: a 2 GiB data set, its shard roots and its manifest. */
export const DEFAULT_MAX_CAR_BYTES = 2 * 1024 ** 3 + 64 * 1024 ** 2
/** A data set of 2 GiB in 1 MiB chunks is ~2k blocks; this bounds the walk's memory. */
export const DEFAULT_MAX_CAR_BLOCKS = 100_000

/** The header that tells a client why a CAR stopped short. */
export const CAR_LIMIT_HEADER = 'x-mlbridge-car-max-bytes'

/** What the gateway reads; Helia's blockstore fits (`offline` keeps its bitswap out of it). */
export interface GatewayBlockSource {
  has: (cid: CID, options?: { signal?: AbortSignal }) => boolean | Promise<boolean>
  get: (cid: CID, options?: { signal?: AbortSignal, offline?: boolean }) => Iterable<Uint8Array> | AsyncIterable<Uint8Array> | Promise<Uint8Array>
}

export interface GatewayOptions {
  blocks: GatewayBlockSource
  /** 0 picks a free port (tests) @default DEFAULT_GATEWAY_PORT */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** a CAR response stops (the connection is cut) once its sections pass this @default DEFAULT_MAX_CAR_BYTES */
  maxCarBytes?: number
  maxCarBlocks?: number
}

export interface GatewayMetrics {
  requests: number
  /** block bytes sent in raw and CAR bodies */
  bytes: number
  /** 4xx and 5xx answers, and CARs cut short */
  errors: number
}

export interface Gateway {
  /** the base URL, e.g. http://127.0.0.1:4004 (content is under /ipfs/{cid}) */
  url: string
  metrics: () => GatewayMetrics
  stop: () => Promise<void>
}

// the codecs whose links the CAR walk follows; ML Bridge writes raw leaves and dag-cbor roots
const WALKABLE = new Map<number, { code: number, decode: (bytes: Uint8Array) => unknown }>([
  [raw.code, raw], [dagCbor.code, dagCbor], [dagJson.code, dagJson]
])

const IMMUTABLE = 'public, max-age=29030400, immutable'

type Format = 'raw' | 'car'
type DagScope = 'block' | 'entity' | 'all'

interface Request {
  cid: CID
  format: Format
  scope: DagScope
}

class HttpError extends Error {
  constructor (readonly status: number, message: string) { super(message) }
}

export async function startGateway (opts: GatewayOptions): Promise<Gateway> {
  const maxCarBytes = opts.maxCarBytes ?? DEFAULT_MAX_CAR_BYTES
  const maxCarBlocks = opts.maxCarBlocks ?? DEFAULT_MAX_CAR_BLOCKS
  const counts: GatewayMetrics = { requests: 0, bytes: 0, errors: 0 }

  const readBlock = async (cid: CID, signal: AbortSignal): Promise<Uint8Array> => {
    if (cid.multihash.code === identity.code) return cid.multihash.digest
    const got = opts.blocks.get(cid, { signal, offline: true })
    return got instanceof Promise ? await got : await collectBytes(got)
  }
  const holds = async (cid: CID, signal: AbortSignal): Promise<boolean> =>
    cid.multihash.code === identity.code || await opts.blocks.has(cid, { signal })

  const server = createServer((req, res) => {
    counts.requests++
    const aborted = new AbortController()
    res.once('close', () => aborted.abort())
    handle(req, res, aborted.signal).catch((err: unknown) => {
      counts.errors++
      if (res.headersSent) {
        res.destroy()
        return
      }
      const status = err instanceof HttpError ? err.status : 500
      const message = err instanceof HttpError ? err.message : `internal error: ${err instanceof Error ? err.message : String(err)}`
      const headers: Record<string, string> = { 'content-type': 'text/plain; charset=utf-8', 'access-control-allow-origin': '*', 'x-content-type-options': 'nosniff' }
      if (status === 405) headers.allow = 'GET, HEAD'
      res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : `${message}\n`)
    })
  })

  async function handle (req: IncomingMessage, res: ServerResponse, signal: AbortSignal): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, `method ${req.method ?? ''} not allowed: this gateway answers GET and HEAD`)
    const request = parseRequest(req)
    const { cid } = request
    if (!await holds(cid, signal)) throw new HttpError(404, `${cid.toString()} is not held by this gateway (it serves what the pinner holds and never fetches from the network)`)
    const common = {
      'access-control-allow-origin': '*',
      'access-control-expose-headers': `content-length, content-type, etag, x-ipfs-path, x-ipfs-roots, ${CAR_LIMIT_HEADER}`,
      'cache-control': IMMUTABLE,
      'x-content-type-options': 'nosniff',
      'x-ipfs-path': `/ipfs/${cid.toString()}`,
      'x-ipfs-roots': cid.toString(),
      vary: 'Accept'
    }
    if (request.format === 'raw') {
      const etag = `"${cid.toString()}.raw"`
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { ...common, etag }).end()
        return
      }
      const bytes = await readBlock(cid, signal)
      res.writeHead(200, {
        ...common,
        etag,
        'content-type': RAW_MEDIA_TYPE,
        'content-length': String(bytes.length),
        'content-disposition': `attachment; filename="${cid.toString()}.bin"`
      })
      if (req.method === 'HEAD') {
        res.end()
        return
      }
      counts.bytes += bytes.length
      res.end(bytes)
      return
    }

    if (request.scope === 'all' && !WALKABLE.has(cid.code) && cid.multihash.code !== identity.code) {
      throw new HttpError(400, `cannot walk the links of codec 0x${cid.code.toString(16)}: ask for dag-scope=block`)
    }
    // a weak tag: the bytes are deterministic here, but the spec does not promise it across gateways
    const etag = `W/"${cid.toString()}.car.dfs.n.${request.scope}"`
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ...common, etag }).end()
      return
    }
    res.writeHead(200, {
      ...common,
      etag,
      'content-type': `${CAR_MEDIA_TYPE}; version=1; order=dfs; dups=n`,
      'content-disposition': `attachment; filename="${cid.toString()}.car"`,
      [CAR_LIMIT_HEADER]: String(maxCarBytes)
    })
    if (req.method === 'HEAD') {
      res.end()
      return
    }
    await writeCar(res, request, signal)
  }

  /**
   * Depth-first, each block once, streamed with backpressure: memory holds the CIDs seen and the
   * links still to visit, never the CAR. A missing child or a passed limit cuts the connection, as
   * the spec asks once a 200 went out, so the client sees an incomplete CAR, not a short valid one.
   */
  async function writeCar (res: ServerResponse, request: Request, signal: AbortSignal): Promise<void> {
    await write(res, encodeCarHeader([request.cid]))
    const seen = new Set<string>()
    const pending: CID[] = [request.cid]
    let sent = 0
    while (pending.length > 0) {
      if (signal.aborted) return
      const cid = pending.pop() as CID
      const key = cid.toString()
      if (seen.has(key)) continue
      seen.add(key)
      // the spec: identity blocks are never sent, their bytes are in the CID
      if (cid.multihash.code === identity.code) continue
      if (seen.size > maxCarBlocks) throw new Error(`CAR passed ${maxCarBlocks} blocks`)
      if (!await holds(cid, signal)) throw new Error(`block ${key} of the DAG is not held`)
      const bytes = await readBlock(cid, signal)
      sent += bytes.length
      if (sent > maxCarBytes) throw new Error(`CAR passed its ${maxCarBytes}-byte limit`)
      await write(res, encodeCarBlock(cid, bytes))
      counts.bytes += bytes.length
      if (request.scope !== 'all') break
      const codec = WALKABLE.get(cid.code)
      if (codec === undefined) throw new Error(`cannot walk the links of codec 0x${cid.code.toString(16)} in ${key}`)
      const children = [...createUnsafe({ bytes, cid, codec }).links()].map(([, link]) => link)
      // reversed onto the stack, so the first link is visited first
      for (let i = children.length - 1; i >= 0; i--) pending.push(children[i] as CID)
    }
    res.end()
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: opts.host ?? '127.0.0.1', port: opts.port ?? DEFAULT_GATEWAY_PORT }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { address, port, family } = server.address() as AddressInfo
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`,
    metrics: () => ({ ...counts }),
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

async function write (res: ServerResponse, bytes: Uint8Array): Promise<void> {
  if (res.write(bytes)) return
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      res.off('drain', done)
      res.off('close', done)
      if (res.destroyed && !res.writableFinished) reject(new Error('client went away'))
      else resolve()
    }
    res.once('drain', done)
    res.once('close', done)
  })
}

/** Path, `format`, `Accept` and the CAR parameters, as the trustless gateway spec reads them. */
export function parseRequest (req: Pick<IncomingMessage, 'url' | 'headers'>): Request {
  const url = new URL(req.url ?? '/', 'http://gateway.invalid')
  const match = /^\/ipfs\/([^/]+)\/?(.*)$/.exec(url.pathname)
  if (match === null) throw new HttpError(404, 'not found: this trustless gateway serves /ipfs/{cid} only')
  if (match[2] !== '') throw new HttpError(400, 'content paths are not supported: request the CID of the block or DAG itself')
  let cid: CID
  try {
    cid = CID.parse(decodeURIComponent(match[1] as string))
  } catch {
    throw new HttpError(400, `not a CID: '${match[1] as string}'`)
  }
  const format = pickFormat(url.searchParams.get('format'), req.headers.accept)
  const params = url.searchParams
  if (format.type === 'raw') {
    for (const name of ['dag-scope', 'entity-bytes', 'car-version', 'car-order', 'car-dups']) {
      if (params.has(name)) throw new HttpError(400, `${name} applies to CAR responses only`)
    }
    return { cid, format: 'raw', scope: 'block' }
  }
  const version = params.get('car-version') ?? format.params.version ?? '1'
  const order = params.get('car-order') ?? format.params.order ?? 'dfs'
  const dups = params.get('car-dups') ?? format.params.dups ?? 'n'
  if (version !== '1') throw new HttpError(400, `CAR version ${version} is not served: only version=1`)
  if (order !== 'dfs' && order !== 'unk') throw new HttpError(400, `CAR order ${order} is not served: only order=dfs`)
  if (dups !== 'n') throw new HttpError(400, `CAR dups=${dups} is not served: only dups=n (each block once)`)
  if (params.has('entity-bytes')) throw new HttpError(400, 'entity-bytes is not supported: ask for the whole DAG (dag-scope=all) or its root (dag-scope=block)')
  const scope = params.get('dag-scope') ?? 'all'
  if (scope !== 'block' && scope !== 'entity' && scope !== 'all') throw new HttpError(400, `dag-scope must be block, entity or all, got '${scope}'`)
  // for non-UnixFS data the spec makes `entity` the same as `block`; ML Bridge writes no UnixFS
  return { cid, format: 'car', scope: scope === 'entity' ? 'block' : scope }
}

interface MediaChoice { type: Format, params: Record<string, string> }

function pickFormat (format: string | null, accept: string | undefined): MediaChoice {
  // the spec: `format` wins over Accept
  if (format !== null) {
    if (format === 'raw' || format === 'car') return { type: format, params: {} }
    throw new HttpError(400, `format '${format}' is not served: this trustless gateway answers format=raw (one block) or format=car (a DAG)`)
  }
  const ranges = (accept ?? '').split(',').map(parseMediaRange).filter(r => r !== null && r.q > 0) as Array<{ type: string, params: Record<string, string>, q: number }>
  ranges.sort((a, b) => b.q - a.q)
  for (const range of ranges) {
    if (range.type === RAW_MEDIA_TYPE) return { type: 'raw', params: {} }
    if (range.type === CAR_MEDIA_TYPE) return { type: 'car', params: range.params }
  }
  // strict trustless mode: no Accept, or one that takes anything (a browser's default), does not get a guessed format
  if (ranges.length === 0 || ranges.some(r => r.type === '*/*' || r.type === 'application/*')) {
    throw new HttpError(400, `say which verifiable response you want: Accept: ${RAW_MEDIA_TYPE} or ${CAR_MEDIA_TYPE}, or ?format=raw or ?format=car`)
  }
  throw new HttpError(406, `not acceptable: this trustless gateway answers ${RAW_MEDIA_TYPE} or ${CAR_MEDIA_TYPE} only`)
}

function parseMediaRange (part: string): { type: string, params: Record<string, string>, q: number } | null {
  const [type, ...rest] = part.split(';').map(s => s.trim())
  if (type === undefined || type === '') return null
  const params: Record<string, string> = {}
  for (const p of rest) {
    const eq = p.indexOf('=')
    if (eq > 0) params[p.slice(0, eq).trim().toLowerCase()] = p.slice(eq + 1).trim().replace(/^"|"$/g, '')
  }
  const q = params.q === undefined ? 1 : Number(params.q)
  delete params.q
  return { type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 }
}
