import { readFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { bytesToHex, keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { cidToHex, memoryBlocks } from '../src/provider/artifacts.ts'
import { createStorage, rawCid } from '../src/storage/index.ts'
import { encodeDataset, splitDataset } from '../src/train/data/datasetBlob.ts'
import type { Dataset } from '../src/train/data/dataset.ts'
import { MNIST_ASSET_PATH } from '../src/train/data/mnistAsset.ts'
import { dataIdentity } from './taskData.ts'

describe('dataIdentity: the data a spec names, identified as the chain records it', () => {
  it('is the bundled asset\'s raw CID and keccak256 without a manifest', async () => {
    const bytes = await readFile(new URL(`../public/${MNIST_ASSET_PATH}`, import.meta.url))
    expect(await dataIdentity({ dataset: { name: 'mnist', holdoutFraction: 0.1 } }, createStorage({ blocks: memoryBlocks() })))
      .toEqual({ datasetCid: bytesToHex((await rawCid(bytes)).bytes), dataHash: keccak256(bytes) })
  })

  it('is the manifest\'s CID and the hash of every sample re-encoded as one blob, as the wizard computed it', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const all: Dataset = { x: Float32Array.from({ length: 60 }, (_, i) => i / 3), labels: Int32Array.from({ length: 15 }, (_, i) => i % 3), featureShape: [4], classes: 3 }
    const { cid } = await storage.storeDataset({ name: 'table', schema: { format: 'binary' }, shards: splitDataset(all, 100) })
    const identity = await dataIdentity({ dataset: { name: 'table', manifestCid: cid.toString(), holdoutFraction: 0.2 } }, storage)
    expect(identity).toEqual({ datasetCid: cidToHex(CID.parse(cid.toString())), dataHash: keccak256(encodeDataset(all)) })
  })
})
