import { readFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { bytesToHex, keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { cidToHex, memoryBlocks } from '../src/provider/artifacts.ts'
import { createStorage, rawCid } from '../src/storage/index.ts'
import { encodeDataset, splitDataset } from '../src/train/data/datasetBlob.ts'
import type { Dataset } from '../src/train/data/dataset.ts'
import { MNIST_ASSET_PATH } from '../src/train/data/mnistAsset.ts'
import { auditedData, dataIdentity, prepareInProcess } from './taskData.ts'

const table: Dataset = { x: Float32Array.from({ length: 60 }, (_, i) => i / 3), labels: Int32Array.from({ length: 15 }, (_, i) => i % 3), featureShape: [4], classes: 3 }

describe('dataIdentity: the data a spec names, identified as the chain records it', () => {
  it('is the bundled asset\'s raw CID and keccak256 without a manifest', async () => {
    const bytes = await readFile(new URL(`../public/${MNIST_ASSET_PATH}`, import.meta.url))
    expect(await dataIdentity({ dataset: { name: 'mnist', holdoutFraction: 0.1 } }, createStorage({ blocks: memoryBlocks() })))
      .toEqual({ datasetCid: bytesToHex((await rawCid(bytes)).bytes), dataHash: keccak256(bytes) })
  })

  it('is the manifest\'s CID and the hash of every sample re-encoded as one blob, as the wizard computed it', async () => {
    const storage = createStorage({ blocks: memoryBlocks() })
    const { cid } = await storage.storeDataset({ name: 'table', schema: { format: 'binary' }, shards: splitDataset(table, 100) })
    const identity = await dataIdentity({ dataset: { name: 'table', manifestCid: cid.toString(), holdoutFraction: 0.2 } }, storage)
    expect(identity).toEqual({ datasetCid: cidToHex(CID.parse(cid.toString())), dataHash: keccak256(encodeDataset(table)) })
  })
})

describe('auditedData: what the auditor needs of the data, from one fetch of it', () => {
  it('sizes the training split as prepareInProcess does and identifies the data as dataIdentity does, each block read once', async () => {
    const blocks = memoryBlocks()
    const { cid } = await createStorage({ blocks }).storeDataset({ name: 'table', schema: { format: 'binary' }, shards: splitDataset(table, 100) })
    const spec = { dataset: { name: 'table', manifestCid: cid.toString(), holdoutFraction: 0.2 } }
    const reads: string[] = []
    const counted = createStorage({ blocks: { ...blocks, get: (block, options) => { reads.push(block.toString()); return blocks.get(block, options) } } })
    const audited = await auditedData(spec, counted)
    expect(await audited.identity()).toEqual(await dataIdentity(spec, createStorage({ blocks })))
    expect(audited.size).toBe((await prepareInProcess(spec, createStorage({ blocks }))).data.size)
    expect(reads.length).toBeGreaterThan(1)
    expect(new Set(reads).size).toBe(reads.length)
  })

  it('is the bundled training split and asset without a manifest', async () => {
    const spec = { dataset: { name: 'mnist', holdoutFraction: 0.1 } }
    const audited = await auditedData(spec, createStorage({ blocks: memoryBlocks() }))
    expect(audited.size).toBe((await prepareInProcess(spec, createStorage({ blocks: memoryBlocks() }))).data.size)
    expect(await audited.identity()).toEqual(await dataIdentity(spec, createStorage({ blocks: memoryBlocks() })))
  })
})
