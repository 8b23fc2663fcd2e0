import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import { describe, expect, it } from 'vitest'
import { cborCid, rawCid } from './cid.ts'
import { fetchArtifactDag } from './fetchDag.ts'
import { BLOB_ROOT_TAG, BlobTooLargeError, createStorage, DagTooLargeError, DEFAULT_LIMITS, InvalidArtifactError, MAX_EVIDENCE_BYTES, type BlobRoot, type BlockAccess } from './index.ts'

/** An in-memory blockstore that records which blocks were asked for. */
function memoryBlocks (): BlockAccess & { asked: string[] } {
  const map = new Map<string, Uint8Array>()
  const store = {
    asked: [] as string[],
    get: (cid: CID) => {
      store.asked.push(cid.toString())
      const block = map.get(cid.toString())
      if (block == null) throw new Error(`not found: ${cid.toString()}`)
      return [block]
    },
    put: (cid: CID, block: Uint8Array) => { map.set(cid.toString(), block) }
  }
  return store
}

/** A root that declares `size` bytes in one chunk, linking `leaf` whatever its length. */
async function lyingRoot (blocks: BlockAccess, kind: BlobRoot['kind'], size: number, leaf: Uint8Array): Promise<CID> {
  const leafCid = await rawCid(leaf)
  await blocks.put(leafCid, leaf)
  const root = dagCbor.encode({ type: BLOB_ROOT_TAG, kind, size, chunkSize: size, chunks: [leafCid] } satisfies BlobRoot)
  const cid = await cborCid(root)
  await blocks.put(cid, root)
  return cid
}

const opts = { limits: DEFAULT_LIMITS, maxDatasetBytes: 10_000 }

describe('fetchArtifactDag', () => {
  it('takes an evidence report as one raw block of at most 1 MiB, counted and admitted by its length', async () => {
    const blocks = memoryBlocks()
    const report = new TextEncoder().encode('{"type":"mlbridge/referee-verdict/1"}')
    const cid = await rawCid(report)
    await blocks.put(cid, report)
    const admitted: number[] = []
    expect(await fetchArtifactDag(blocks, cid, 'evidence', { ...opts, admit: (n) => { admitted.push(n) } })).toEqual({ size: report.length, blocks: 1 })
    expect(admitted).toEqual([report.length])

    const huge = new Uint8Array(MAX_EVIDENCE_BYTES + 1)
    const hugeCid = await rawCid(huge)
    await blocks.put(hugeCid, huge)
    await expect(fetchArtifactDag(blocks, hugeCid, 'evidence', opts)).rejects.toThrow(BlobTooLargeError)

    const blob = await createStorage({ blocks }).blobs.put(report, { kind: 'spec' })
    await expect(fetchArtifactDag(blocks, blob, 'evidence', opts)).rejects.toThrow(/an evidence report is one raw block/)
  })

  it('counts an honest blob and data set from the leaves that arrived', async () => {
    const blocks = memoryBlocks()
    const storage = createStorage({ blocks, chunkSize: 1000 })
    const blob = await storage.blobs.put(new Uint8Array(2500).fill(3), { kind: 'delta' })
    expect(await fetchArtifactDag(blocks, blob, 'delta', opts)).toEqual({ size: 2500, blocks: 4 })
    const { cid } = await storage.storeDataset({ name: 'd', schema: { format: 'binary' }, shards: [{ bytes: new Uint8Array(1500).fill(1), records: 1 }, { bytes: new Uint8Array(10).fill(2), records: 1 }] })
    expect(await fetchArtifactDag(blocks, cid, 'manifest', opts)).toEqual({ size: 1510, blocks: 6 })
  })

  it('attack (oversized leaf): a leaf longer than its root declares is refused as too-large, naming both sizes', async () => {
    const blocks = memoryBlocks()
    const cid = await lyingRoot(blocks, 'model', 48, new Uint8Array(5000).fill(9))
    const err = await fetchArtifactDag(blocks, cid, 'model', opts).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DagTooLargeError)
    expect((err as Error).message).toMatch(/links more than the 48 payload bytes its roots declare \(5000 bytes with this block\): chunk 0 of .* is 5000 bytes, its root declares 48/)
  })

  it('refuses a short leaf, a data set whose roots declare too much, and a quota before any leaf is asked for', async () => {
    const blocks = memoryBlocks()
    const short = await lyingRoot(blocks, 'delta', 48, new Uint8Array(10))
    await expect(fetchArtifactDag(blocks, short, 'delta', opts)).rejects.toThrow(InvalidArtifactError)

    const storage = createStorage({ blocks })
    const { cid } = await storage.storeDataset({ name: 'd', schema: { format: 'binary' }, shards: [{ bytes: new Uint8Array(6000), records: 1 }, { bytes: new Uint8Array(6000).fill(1), records: 1 }] })
    await expect(fetchArtifactDag(blocks, cid, 'manifest', opts)).rejects.toThrow(BlobTooLargeError)

    const blob = await storage.blobs.put(new Uint8Array(3000).fill(5), { kind: 'delta' })
    blocks.asked.length = 0
    const admit = (declared: number): void => { throw new Error(`quota: ${declared}`) }
    await expect(fetchArtifactDag(blocks, blob, 'delta', { ...opts, admit })).rejects.toThrow('quota: 3000')
    expect(blocks.asked).toEqual([blob.toString()])
  })
})
