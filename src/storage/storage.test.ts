import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { describe, expect, it } from 'vitest'
import { BlobTooLargeError, CidMismatchError, createStorage, InvalidArtifactError, splitLines, type BlockAccess, type DatasetManifest } from './index.ts'

/** The smallest blockstore: the tests own what it returns, corrupted blocks included. */
function memoryBlocks (): BlockAccess & { map: Map<string, Uint8Array>, gets: number } {
  const map = new Map<string, Uint8Array>()
  const store = {
    map,
    gets: 0,
    get: (cid: CID) => {
      store.gets++
      const block = map.get(cid.toString())
      if (block == null) throw new Error(`not found: ${cid.toString()}`)
      return [block]
    },
    put: (cid: CID, block: Uint8Array) => { map.set(cid.toString(), block.slice()) }
  }
  return store
}

const bytes = (n: number, seed = 1): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

describe('blob store', () => {
  it('chunks a blob into raw leaves under a dag-cbor root and reads it back with progress', async () => {
    const blocks = memoryBlocks()
    const { blobs } = createStorage({ blocks, chunkSize: 1000 })
    const data = bytes(4500)
    const seen: number[] = []
    const cid = await blobs.put(data, { kind: 'delta', onProgress: p => seen.push(p.bytes) })
    expect(cid.code).toBe(dagCbor.code)
    expect(blocks.map.size).toBe(6) // 5 leaves + root
    expect(seen.at(-1)).toBe(4500)
    const progress: number[] = []
    expect(await blobs.get(cid.toString(), { kind: 'delta', onProgress: p => progress.push(p.bytes) })).toEqual(data)
    expect(progress.at(-1)).toBe(4500)
    expect(await blobs.stat(cid, { kind: 'delta' })).toMatchObject({ size: 4500, chunks: 5, kind: 'delta' })
    // same bytes, same CID: content addressing is deterministic
    expect((await createStorage({ blocks: memoryBlocks(), chunkSize: 1000 }).blobs.put(data, { kind: 'delta' })).equals(cid)).toBe(true)
  })

  it('refuses a blob over the limit of its kind, on put and before fetching on get', async () => {
    const blocks = memoryBlocks()
    const big = createStorage({ blocks, chunkSize: 1000 })
    const small = createStorage({ blocks, chunkSize: 1000, limits: { model: 2000 } })
    await expect(small.blobs.put(bytes(2001), { kind: 'model' })).rejects.toThrow(BlobTooLargeError)
    await expect(small.blobs.put(bytes(2001), { kind: 'model' })).rejects.toThrow('model is 2001 bytes, over the model limit of 2000 bytes')
    const cid = await big.blobs.put(bytes(5000), { kind: 'model' })
    blocks.gets = 0
    await expect(small.blobs.get(cid, { kind: 'model' })).rejects.toThrow(`model ${cid.toString()} is 5000 bytes`)
    expect(blocks.gets).toBe(1) // the root only
    await expect(big.blobs.get(cid, { kind: 'delta' })).rejects.toThrow(/it is a model, expected a delta/)
  })

  it('refuses bytes that do not match the expected CID, and corrupted blocks', async () => {
    const blocks = memoryBlocks()
    const { blobs } = createStorage({ blocks, chunkSize: 1000 })
    const cid = await blobs.put(bytes(3000), { kind: 'delta' })
    const before = blocks.map.size
    const err = await blobs.put(bytes(3000, 2), { kind: 'delta', expectCid: cid }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(CidMismatchError)
    expect((err as Error).message).toMatch(new RegExp(`^CID mismatch: expected ${cid.toString()}, the bytes hash to bafy`))
    expect(blocks.map.size).toBe(before) // nothing of the refused blob was stored

    // flip a byte of a stored leaf: reading must fail, not return wrong bytes
    const leaf = [...blocks.map.keys()].find(k => k.startsWith('bafk'))!
    blocks.map.get(leaf)![0]! ^= 0xff
    await expect(blobs.get(cid, { kind: 'delta' })).rejects.toThrow(CidMismatchError)
  })

  it('rejects roots that lie about their chunks', async () => {
    const blocks = memoryBlocks()
    const { blobs } = createStorage({ blocks, chunkSize: 1000 })
    const real = await blobs.put(bytes(2500), { kind: 'shard' })
    const root = dagCbor.decode<{ chunks: CID[] }>(blocks.map.get(real.toString())!)
    const lie = dagCbor.encode({ ...root, size: 100 })
    const lieCid = CID.createV1(dagCbor.code, await sha256.digest(lie))
    blocks.put(lieCid, lie)
    await expect(blobs.get(lieCid, { kind: 'shard' })).rejects.toThrow(InvalidArtifactError)
  })

  it('reads a block again when it went missing between Helia\'s check and its read (a sweep deleted it), and only once', async () => {
    const blocks = memoryBlocks()
    const { blobs } = createStorage({ blocks, chunkSize: 1000 })
    const cid = await blobs.put(bytes(2500), { kind: 'shard' })
    const notFound = (): Error => Object.assign(new Error('Not Found'), { name: 'NotFoundError' })
    let failures = 1
    const racing: BlockAccess = { put: blocks.put, get: (c, o) => { if (failures-- > 0) throw notFound(); return blocks.get(c, o) } }
    expect(await createStorage({ blocks: racing, chunkSize: 1000 }).blobs.get(cid, { kind: 'shard' })).toEqual(bytes(2500))
    failures = 2
    await expect(createStorage({ blocks: racing, chunkSize: 1000 }).blobs.get(cid, { kind: 'shard' })).rejects.toThrow('Not Found')
    // any other failure is not read again
    const before = blocks.gets
    const broken: BlockAccess = { put: blocks.put, get: () => { blocks.gets++; throw new Error('disk gone') } }
    await expect(createStorage({ blocks: broken }).blobs.get(cid, { kind: 'shard' })).rejects.toThrow('disk gone')
    expect(blocks.gets - before).toBe(1)
  })
})

describe('data sets', () => {
  it('splits text at line ends, repeats the header, and stores a manifest linking the shards', async () => {
    const csv = new TextEncoder().encode('x,y\n1,2\n3,4\n\n5,6\n7,8')
    const shards = splitLines(csv, 12, { header: true })
    expect(shards.map(s => new TextDecoder().decode(s.bytes))).toEqual(['x,y\n1,2\n3,4\n', 'x,y\n\n5,6\n7,8'])
    expect(shards.map(s => s.records)).toEqual([2, 2])

    const blocks = memoryBlocks()
    const storage = createStorage({ blocks })
    const { cid, manifest } = await storage.storeDataset({ name: 'xy', schema: { format: 'csv', columns: ['x', 'y'], header: true }, shards })
    expect(manifest.totalRecords).toBe(4)
    const back = await storage.manifests.get(cid)
    expect(back.shards.map(s => s.cid.toString())).toEqual(manifest.shards.map(s => s.cid.toString()))
    expect(back.shards[0]?.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(await storage.blobs.get(back.shards[1]!.cid, { kind: 'shard' })).toEqual(shards[1]!.bytes)
    // the manifest links its shards, so pinning it pins the data
    expect(dagCbor.decode<{ shards: Array<{ cid: unknown }> }>(blocks.map.get(cid.toString())!).shards[0]!.cid).toBeInstanceOf(CID)
  })

  it('refuses a manifest whose totals do not add up', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const shard = await storage.blobs.put(bytes(10), { kind: 'shard' })
    await expect(storage.manifests.put({
      type: 'mlbridge/dataset/1', name: 'bad', schema: { format: 'binary' },
      shards: [{ cid: shard, size: 10, sha256: '0'.repeat(64), records: 1 }], totalSize: 11, totalRecords: 1
    })).rejects.toThrow(/totalSize must be the sum/)
  })

  it('keeps a table\'s scaling exactly, and refuses one without an entry per column', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const shard = await storage.blobs.put(bytes(10), { kind: 'shard' })
    const manifest = (schema: DatasetManifest['schema']): DatasetManifest => ({
      type: 'mlbridge/dataset/1', name: 'table', schema, shards: [{ cid: shard, size: 10, sha256: '0'.repeat(64), records: 1 }], totalSize: 10, totalRecords: 1
    })
    const scale = { mean: [0.1 + 0.2, 5], std: [Math.sqrt(2), 1] }
    const cid = await storage.manifests.put(manifest({ format: 'binary', columns: ['a', 'b'], label: 'kind', classes: ['x', 'y'], scale }))
    expect((await storage.manifests.get(cid)).schema.scale).toEqual(scale)
    await expect(storage.manifests.put(manifest({ format: 'binary', columns: ['a'], scale }))).rejects.toThrow(/one entry per column/)
    await expect(storage.manifests.put(manifest({ format: 'binary', columns: ['a', 'b'], scale: { mean: [0, 0], std: [1, 0] } }))).rejects.toThrow(/scale\.std/)
  })
})
