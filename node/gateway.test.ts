import { mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectBytes } from '../src/core/bytes.ts'
import { readCar } from '../src/storage/car.ts'
import { fetchBlobFromGateway, gatewayBlocks } from '../src/storage/gateway.ts'
import { createStorage, parseBlobRoot, verifyBlock, type BlobRoot } from '../src/storage/index.ts'
import { CAR_LIMIT_HEADER, startGateway, type Gateway } from './gateway.ts'
import { startRelay, type Relay } from './relay.ts'

const CHUNK = 64 * 1024
// no two chunks alike (a pattern repeating every chunk would dedupe to one leaf)
const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (Math.imul(i + seed, 2654435761) >>> 24))

/** toEqual walks a typed array element by element: seconds for a model */
function expectSameBytes (actual: Uint8Array, expected: Uint8Array): void {
  expect(actual.length).toBe(expected.length)
  expect(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected)).toBe(true)
}

async function carBlocks (response: Response): Promise<{ roots: CID[], blocks: Array<{ cid: CID, bytes: Uint8Array }> }> {
  const body = new Uint8Array(await response.arrayBuffer())
  const car = readCar((async function * () { yield body })(), { maxBlockBytes: 4 * 1024 * 1024 })
  const blocks = []
  for await (const block of car.blocks()) blocks.push(block)
  return { roots: await car.roots(), blocks }
}

/** A request fetch() cannot make (another method, a raw path). */
async function rawRequest (url: string, method: string): Promise<{ status: number, headers: Record<string, unknown>, body: string }> {
  return await new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = ''
      res.on('data', (chunk: Buffer) => { body += chunk.toString() })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('trustless gateway over the pinner\'s blockstore', () => {
  let dir: string
  let relay: Relay
  let gateway: Gateway
  let model: Uint8Array
  let modelCid: CID
  let root: BlobRoot

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mlbridge-gateway-'))
    relay = await startRelay({ port: 0, dataDir: join(dir, 'relay') })
    const storage = createStorage({ blocks: relay.helia.blockstore, pins: relay.helia.pins, chunkSize: CHUNK })
    model = bytes(5 * CHUNK + 123)
    modelCid = await storage.blobs.put(model, { kind: 'model', pin: true })
    root = parseBlobRoot(modelCid, await collectBytes(relay.helia.blockstore.get(modelCid, { offline: true })))
    gateway = await startGateway({ blocks: relay.helia.blockstore, port: 0 })
  }, 60_000)

  afterAll(async () => {
    await gateway?.stop()
    await relay?.stop()
    await rm(dir, { recursive: true, force: true, maxRetries: 5 })
  })

  const at = (cid: CID | string, query = ''): string => `${gateway.url}/ipfs/${cid.toString()}${query}`

  it('serves a raw block with the spec\'s headers, by Accept or by ?format=raw, and HEAD without a body', async () => {
    const leaf = root.chunks[1] as CID
    const response = await fetch(at(leaf), { headers: { accept: 'application/vnd.ipld.raw' } })
    expect(response.status).toBe(200)
    expect(Object.fromEntries(response.headers)).toMatchObject({
      'content-type': 'application/vnd.ipld.raw',
      'content-length': String(CHUNK),
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=29030400, immutable',
      etag: `"${leaf.toString()}.raw"`,
      'access-control-allow-origin': '*',
      'content-disposition': `attachment; filename="${leaf.toString()}.bin"`
    })
    const body = new Uint8Array(await response.arrayBuffer())
    expectSameBytes(body, model.subarray(CHUNK, 2 * CHUNK))
    await verifyBlock(leaf, body)

    const byQuery = await fetch(at(modelCid, '?format=raw'))
    expect(byQuery.status).toBe(200)
    await verifyBlock(modelCid, new Uint8Array(await byQuery.arrayBuffer()))

    const head = await fetch(at(leaf, '?format=raw'), { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.get('content-length')).toBe(String(CHUNK))
    expect((await head.arrayBuffer()).byteLength).toBe(0)

    const cached = await fetch(at(leaf, '?format=raw'), { headers: { 'if-none-match': `"${leaf.toString()}.raw"` } })
    expect(cached.status).toBe(304)
  })

  it('serves the whole DAG as a depth-first CARv1 (root, then the chunks in order), or the root alone with dag-scope=block', async () => {
    const response = await fetch(at(modelCid), { headers: { accept: 'application/vnd.ipld.car' } })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=n')
    expect(response.headers.get(CAR_LIMIT_HEADER)).toMatch(/^\d+$/)
    const car = await carBlocks(response)
    expect(car.roots.map(String)).toEqual([modelCid.toString()])
    expect(car.blocks.map(b => b.cid.toString())).toEqual([modelCid, ...root.chunks].map(String))
    for (const block of car.blocks) await verifyBlock(block.cid, block.bytes)

    const rootOnly = await carBlocks(await fetch(at(modelCid, '?format=car&dag-scope=block')))
    expect(rootOnly.blocks.map(b => b.cid.toString())).toEqual([modelCid.toString()])
    const entity = await carBlocks(await fetch(at(modelCid, '?format=car&dag-scope=entity')))
    expect(entity.blocks).toHaveLength(1)
  })

  it('sends a block the DAG links twice only once', async () => {
    const storage = createStorage({ blocks: relay.helia.blockstore, chunkSize: CHUNK })
    const cid = await storage.blobs.put(new Uint8Array(3 * CHUNK).fill(7), { kind: 'delta' })
    const car = await carBlocks(await fetch(at(cid, '?format=car')))
    expect(car.blocks).toHaveLength(2) // the root and one zero chunk, linked three times
  })

  it('gives the verified client the exact bytes, by CAR and block by block', async () => {
    expectSameBytes(await fetchBlobFromGateway({ baseUrl: gateway.url }, modelCid, { kind: 'model' }), model)
    expectSameBytes(await fetchBlobFromGateway({ baseUrl: `${gateway.url}/` }, modelCid.toString(), { kind: 'model', via: 'blocks' }), model)
    // the kind's limit still holds over HTTP: the root states the size before a chunk is fetched
    await expect(fetchBlobFromGateway({ baseUrl: gateway.url }, modelCid, { kind: 'model', limits: { model: 1000 } })).rejects.toThrow(/over the model limit of 1000 bytes/)
    await expect(fetchBlobFromGateway({ baseUrl: gateway.url }, modelCid, { kind: 'delta' })).rejects.toThrow(/it is a model, expected a delta/)
  })

  it('answers the spec\'s probe CID (empty identity) with an empty block and a header-only CAR', async () => {
    const rawProbe = await fetch(at('bafkqaaa', '?format=raw'))
    expect(rawProbe.status).toBe(200)
    expect((await rawProbe.arrayBuffer()).byteLength).toBe(0)
    const car = await carBlocks(await fetch(at('bafkqaaa', '?format=car')))
    expect(car.roots.map(String)).toEqual(['bafkqaaa'])
    expect(car.blocks).toHaveLength(0)
  })

  it('404s a CID it does not hold at once (it never asks the network), and 400/405/406s what it does not serve', async () => {
    const missing = CID.createV1(raw.code, await sha256.digest(new TextEncoder().encode('nobody has this')))
    const started = Date.now()
    const notHeld = await fetch(at(missing, '?format=raw'))
    expect(notHeld.status).toBe(404)
    expect(await notHeld.text()).toMatch(/not held by this gateway/)
    expect(Date.now() - started).toBeLessThan(2000)
    expect((await fetch(at(missing, '?format=car'))).status).toBe(404)
    expect((await fetch(`${gateway.url}/ipns/k51abc?format=raw`)).status).toBe(404)
    await expect(collectBytes(gatewayBlocks({ baseUrl: gateway.url }).get(missing))).rejects.toMatchObject({ name: 'GatewayError', status: 404 })

    const cases: Array<[string, RequestInit, number, RegExp]> = [
      [at('not-a-cid', '?format=raw'), {}, 400, /not a CID: 'not-a-cid'/],
      [at(modelCid, '?format=dag-json'), {}, 400, /format 'dag-json' is not served/],
      [at(modelCid), {}, 400, /say which verifiable response you want/],
      [at(modelCid), { headers: { accept: 'text/html,*/*;q=0.8' } }, 400, /say which verifiable response/],
      [at(modelCid), { headers: { accept: 'application/json' } }, 406, /not acceptable/],
      [at(modelCid, '/chunks/0?format=car'), {}, 400, /content paths are not supported/],
      [at(modelCid, '?format=car&dag-scope=everything'), {}, 400, /dag-scope must be block, entity or all/],
      [at(modelCid, '?format=car&car-dups=y'), {}, 400, /only dups=n/],
      [at(modelCid, '?format=raw&dag-scope=all'), {}, 400, /CAR responses only/]
    ]
    for (const [url, init, status, message] of cases) {
      const response = await fetch(url, init)
      expect({ url, status: response.status }).toEqual({ url, status })
      expect(response.headers.get('access-control-allow-origin')).toBe('*')
      expect(await response.text()).toMatch(message)
    }
    const post = await rawRequest(at(modelCid, '?format=raw'), 'POST')
    expect(post.status).toBe(405)
    expect(post.headers.allow).toBe('GET, HEAD')
    expect(post.body).toMatch(/answers GET and HEAD/)
  })

  it('cuts a CAR off at its byte limit, so the client sees it incomplete and refuses it', async () => {
    const small = await startGateway({ blocks: relay.helia.blockstore, port: 0, maxCarBytes: 2 * CHUNK })
    try {
      const response = await fetch(`${small.url}/ipfs/${modelCid.toString()}?format=car`)
      expect(response.headers.get(CAR_LIMIT_HEADER)).toBe(String(2 * CHUNK))
      await expect(response.arrayBuffer()).rejects.toThrow()
      await expect(fetchBlobFromGateway({ baseUrl: small.url }, modelCid, { kind: 'model' })).rejects.toThrow()
      expect(small.metrics().errors).toBeGreaterThanOrEqual(2)
    } finally {
      await small.stop()
    }
    expect(gateway.metrics()).toMatchObject({ requests: expect.any(Number), bytes: expect.any(Number) })
    expect(gateway.metrics().bytes).toBeGreaterThan(model.length)
  })
})
