import { describe, expect, it } from 'vitest'
import { createStorage, type DatasetManifest, type Storage } from '../storage/index.ts'
import { encodeDataset, splitDataset } from '../train/data/datasetBlob.ts'
import type { Dataset } from '../train/data/dataset.ts'
import { memoryBlocks } from './artifacts.ts'
import { MNIST_TEST_SIZE } from '../train/data/mnistAsset.ts'
import { holdOut, loadUploadedDataset, scoredSampleCount } from './uploadedData.ts'

function table (count: number): Dataset {
  return {
    x: Float32Array.from({ length: count * 4 }, (_, i) => i * 0.5),
    labels: Int32Array.from({ length: count }, (_, i) => i % 2),
    featureShape: [4],
    classes: 2,
    classNames: ['no', 'yes']
  }
}

async function upload (storage: Storage, ds: Dataset, maxBytes: number): Promise<string> {
  const { cid } = await storage.storeDataset({ name: 'table', schema: { format: 'binary', classes: ['no', 'yes'] }, shards: splitDataset(ds, maxBytes) })
  return cid.toString()
}

const spec = (manifestCid: string, holdoutFraction = 0.1): { dataset: { name: string, manifestCid: string, holdoutFraction: number } } =>
  ({ dataset: { name: 'table', manifestCid, holdoutFraction } })

describe('loadUploadedDataset', () => {
  it('joins the shards in order and holds out the last fraction', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const ds = table(20)
    const manifestCid = await upload(storage, ds, 200)
    const manifest = await storage.manifests.get(manifestCid)
    expect(manifest.shards.length).toBeGreaterThan(1)
    const { train, test } = await loadUploadedDataset(storage, spec(manifestCid, 0.25))
    expect(train.labels.length).toBe(15)
    expect(test.labels.length).toBe(5)
    expect(Array.from(test.x.subarray(0, 4))).toEqual([30, 30.5, 31, 31.5])
    expect(train.classNames).toEqual(['no', 'yes'])
  })

  it('refuses a shard whose sha256 differs from the manifest', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const bytes = encodeDataset(table(3))
    const cid = await storage.blobs.put(bytes, { kind: 'shard' })
    const manifest: DatasetManifest = {
      type: 'mlbridge/dataset/1',
      name: 'table',
      schema: { format: 'binary' },
      shards: [{ cid, size: bytes.length, sha256: '0'.repeat(64), records: 3 }],
      totalSize: bytes.length,
      totalRecords: 3
    }
    const manifestCid = (await storage.manifests.put(manifest)).toString()
    await expect(loadUploadedDataset(storage, spec(manifestCid))).rejects.toThrow(/shard 0: has sha256 [0-9a-f]{64}, the manifest records 0000/)
  })

  it('refuses a shard whose record count differs from the manifest', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const manifestCid = await upload(storage, table(3), 1 << 20)
    const manifest = await storage.manifests.get(manifestCid)
    const lying = { ...manifest, shards: [{ ...manifest.shards[0]!, records: 4 }], totalRecords: 4 }
    const lyingCid = (await storage.manifests.put(lying)).toString()
    await expect(loadUploadedDataset(storage, spec(lyingCid))).rejects.toThrow(/holds 3 samples, the manifest records 4/)
  })

  it('needs a manifestCid in the spec', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    await expect(loadUploadedDataset(storage, { dataset: { name: 'mnist', holdoutFraction: 0.1 } })).rejects.toThrow(/no manifestCid/)
  })
})

describe('holdOut', () => {
  it('keeps at least one sample on each side', () => {
    expect(holdOut(table(2), 0.1).test.labels.length).toBe(1)
    expect(() => holdOut(table(1), 0.1)).toThrow(/too few/)
  })

  it('scores on the first evalSamples of the held-out tail when the spec caps them', () => {
    const { train, test } = holdOut(table(100), 0.2, 'table', 5)
    expect(train.labels.length).toBe(80)
    expect(Array.from(test.labels)).toEqual(Array.from(table(100).labels.subarray(80, 85)))
    expect(holdOut(table(100), 0.2, 'table', 500).test.labels.length).toBe(20)
  })
})

describe('scoredSampleCount', () => {
  it('counts the samples holdOut scores versions on', () => {
    for (const [total, fraction, evalSamples] of [[150, 0.3, undefined], [100, 0.2, 5], [100, 0.2, 500], [2, 0.1, undefined]] as const) {
      const dataset = { name: 'table', manifestCid: 'x', holdoutFraction: fraction, ...(evalSamples === undefined ? {} : { evalSamples }) }
      expect(scoredSampleCount(dataset, total)).toBe(holdOut(table(total), fraction, 'table', evalSamples).test.labels.length)
    }
  })

  it('is the bundled test split for MNIST', () => {
    expect(scoredSampleCount({ name: 'mnist', holdoutFraction: 0.1 }, 0)).toBe(MNIST_TEST_SIZE)
  })
})
