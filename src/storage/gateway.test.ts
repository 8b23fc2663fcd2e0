import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { CID } from 'multiformats/cid'
import { afterEach, describe, expect, it } from 'vitest'
import { collectBytes } from '../core/bytes.ts'
import { encodeCarBlock, encodeCarHeader, readCar } from './car.ts'
import { fetchBlobFromGateway, fetchCarBlocks, gatewayBaseUrl, gatewayBlocks } from './gateway.ts'
import { CarFormatError, CidMismatchError, createStorage, GatewayError, parseBlobRoot, type BlockAccess } from './index.ts'

const CHUNK = 1024
const payload = Uint8Array.from({ length: 4 * CHUNK + 10 }, (_, i) => Math.imul(i + 1, 2654435761) >>> 24)

/** A blob's blocks in a map, so a test gateway can serve them, tampered or not. */
async function blobBlocks (): Promise<{ cid: CID, leaves: CID[], blocks: Map<string, Uint8Array> }> {
  const blocks = new Map<string, Uint8Array>()
  const access: BlockAccess = {
    get: (cid) => [blocks.get(cid.toString()) as Uint8Array],
    put: (cid, bytes) => { blocks.set(cid.toString(), bytes.slice()) }
  }
  const cid = await createStorage({ blocks: access, chunkSize: CHUNK }).blobs.put(payload, { kind: 'model' })
  return { cid, leaves: parseBlobRoot(cid, blocks.get(cid.toString()) as Uint8Array).chunks, blocks }
}

const servers: Array<() => Promise<void>> = []
afterEach(async () => { for (const stop of servers.splice(0)) await stop() })

/** A gateway the test writes: it answers what `answer` says, honest or not. */
async function fakeGateway (answer: (req: IncomingMessage, res: ServerResponse, cid: string) => void): Promise<string> {
  const server = createServer((req, res) => {
    const cid = /^\/ipfs\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? ''
    answer(req, res, cid)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.push(async () => {
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

const rawAnswer = (blocks: Map<string, Uint8Array>, tamper?: string) => (_req: IncomingMessage, res: ServerResponse, cid: string) => {
  const block = blocks.get(cid)
  if (block === undefined) {
    res.writeHead(404).end('no')
    return
  }
  const body = block.slice()
  if (cid === tamper) body[0] = (body[0] as number) ^ 1
  res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' }).end(body)
}

const carAnswer = (cid: CID, sections: Array<[CID, Uint8Array]>) => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1; order=dfs; dups=n' })
  res.write(encodeCarHeader([cid]))
  for (const [blockCid, bytes] of sections) res.write(encodeCarBlock(blockCid, bytes))
  res.end()
}

describe('verified gateway client', () => {
  it('refuses a raw block whose bytes do not hash to its CID, naming the CID', async () => {
    const { cid, leaves, blocks } = await blobBlocks()
    const bad = leaves[2] as CID
    const url = await fakeGateway(rawAnswer(blocks, bad.toString()))
    const error = await collectBytes(gatewayBlocks({ baseUrl: url }).get(bad)).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CidMismatchError)
    expect((error as CidMismatchError).expected).toBe(bad.toString())
    expect((error as Error).message).toContain(bad.toString())
    await expect(fetchBlobFromGateway({ baseUrl: url }, cid, { kind: 'model', via: 'blocks' })).rejects.toThrow(CidMismatchError)
    // the honest blocks still verify
    expect(await collectBytes(gatewayBlocks({ baseUrl: url }).get(leaves[1] as CID))).toEqual(blocks.get((leaves[1] as CID).toString()))
  })

  it('refuses a CAR that carries a tampered block, naming its CID, and one that lacks a block', async () => {
    const { cid, leaves, blocks } = await blobBlocks()
    const sections = [cid, ...leaves].map((c): [CID, Uint8Array] => [c, (blocks.get(c.toString()) as Uint8Array).slice()])
    const bad = leaves[3] as CID
    const tampered = sections.map(([c, b]): [CID, Uint8Array] => [c, c.equals(bad) ? b.map((x, i) => i === 5 ? x ^ 0x80 : x) : b])
    const url = await fakeGateway(carAnswer(cid, tampered))
    const error = await fetchCarBlocks({ baseUrl: url }, cid, { maxBytes: 1e6 }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(CidMismatchError)
    expect((error as Error).message).toContain(bad.toString())
    await expect(fetchBlobFromGateway({ baseUrl: url }, cid, { kind: 'model' })).rejects.toThrow(CidMismatchError)

    const short = await fakeGateway(carAnswer(cid, sections.slice(0, -1)))
    await expect(fetchBlobFromGateway({ baseUrl: short }, cid, { kind: 'model' })).rejects.toThrow(/lacks block .* cut-short response/)
    const honest = await fakeGateway(carAnswer(cid, sections))
    expect(await fetchBlobFromGateway({ baseUrl: honest }, cid, { kind: 'model' })).toEqual(payload)
  })

  it('stops reading a CAR once it carries more than the root declares', async () => {
    const { cid, leaves, blocks } = await blobBlocks()
    const sections = [cid, ...leaves].map((c): [CID, Uint8Array] => [c, blocks.get(c.toString()) as Uint8Array])
    // valid blocks, but far more of them than a blob of this size needs
    const padded: Array<[CID, Uint8Array]> = [...sections, ...Array.from({ length: 10 }, () => sections[1] as [CID, Uint8Array])]
    const url = await fakeGateway(carAnswer(cid, padded))
    await expect(fetchBlobFromGateway({ baseUrl: url }, cid, { kind: 'model' })).rejects.toThrow(/CAR carries more than \d+ bytes of blocks/)
  })

  it('refuses oversized, cut-short, mislabelled and redirected responses', async () => {
    const { cid, leaves } = await blobBlocks()
    const leaf = leaves[0] as CID
    const huge = await fakeGateway((_req, res) => res.writeHead(200, { 'content-type': 'application/vnd.ipld.raw' }).end(new Uint8Array(2 * 1024 * 1024 + 1)))
    await expect(collectBytes(gatewayBlocks({ baseUrl: huge }).get(leaf))).rejects.toThrow(/over the 2097152-byte block limit/)

    const html = await fakeGateway((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>'))
    await expect(collectBytes(gatewayBlocks({ baseUrl: html }).get(leaf))).rejects.toThrow(/answered text\/html, not application\/vnd.ipld.raw/)

    // the redirect would go to a host nobody configured: it is not followed
    let followed = false
    const elsewhere = await fakeGateway((_req, res) => { followed = true; res.writeHead(200).end() })
    const redirecting = await fakeGateway((req, res) => res.writeHead(302, { location: `${elsewhere}${req.url ?? ''}` }).end())
    await expect(collectBytes(gatewayBlocks({ baseUrl: redirecting }).get(leaf))).rejects.toBeInstanceOf(GatewayError)
    expect(followed).toBe(false)

    const cut = await fakeGateway((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/vnd.ipld.car; version=1' })
      res.write(encodeCarHeader([cid]))
      res.end(encodeCarBlock(cid, new Uint8Array(100)).subarray(0, 50))
    })
    await expect(fetchCarBlocks({ baseUrl: cut }, cid, { maxBytes: 1e6 })).rejects.toThrow(CarFormatError)
  })

  it('takes only http(s) base URLs without query or credentials', () => {
    expect(gatewayBaseUrl('http://127.0.0.1:4004/')).toBe('http://127.0.0.1:4004')
    expect(gatewayBaseUrl('https://example.org/gw//')).toBe('https://example.org/gw')
    expect(() => gatewayBaseUrl('ftp://x')).toThrow(GatewayError)
    expect(() => gatewayBaseUrl('http://a@x/')).toThrow(/no query, fragment or credentials/)
    expect(() => gatewayBaseUrl('nope')).toThrow(/not a URL/)
  })
})

describe('CARv1 reader', () => {
  it('reads what the writer wrote, in any chunking, and refuses an oversized section before buffering it', async () => {
    const { cid, leaves, blocks } = await blobBlocks()
    const parts = [encodeCarHeader([cid]), ...[cid, ...leaves].map(c => encodeCarBlock(c, blocks.get(c.toString()) as Uint8Array))]
    const whole = Uint8Array.from(parts.flatMap(p => [...p]))
    const oneByteAtATime = async function * (): AsyncGenerator<Uint8Array> { for (let i = 0; i < whole.length; i++) yield whole.subarray(i, i + 1) }
    const car = readCar(oneByteAtATime(), { maxBlockBytes: CHUNK })
    const read: string[] = []
    for await (const block of car.blocks()) read.push(block.cid.toString())
    expect(read).toEqual([cid, ...leaves].map(String))
    expect((await car.roots()).map(String)).toEqual([cid.toString()])

    const tight = readCar((async function * () { yield whole })(), { maxBlockBytes: 100 })
    await expect(collectBytes((async function * () { for await (const b of tight.blocks()) yield b.bytes })())).rejects.toThrow(/over the 100-byte block limit/)
  })
})
