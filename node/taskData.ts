/**
 * A task's training data in Node, for whatever trains in this process (the headless provider, the
 * referee): the bundled MNIST from disk, or the task's uploaded data set fetched by its manifest,
 * with an in-process trainer on the process's one tfjs engine; and the data's identity as the chain
 * records it, recomputed from the bytes (for the auditor, with the split's size from one fetch).
 */
import { readFile } from 'node:fs/promises'
import { CID } from 'multiformats/cid'
import { bytesToHex, type Hex } from 'viem'
import { keccakBytes } from '../src/core/keccak.ts'
import type { TaskSpec } from '../src/core/taskSpec.ts'
import { datasetTaskData, mnistTaskData, type TaskData } from '../src/provider/taskData.ts'
import { inProcessTrainer, serialQueue } from '../src/provider/trainers.ts'
import type { Trainer } from '../src/provider/types.ts'
import { loadUploadedDataset, loadUploadedSamples, splitUploaded } from '../src/provider/uploadedData.ts'
import { cidToHex } from '../src/provider/artifacts.ts'
import { rawCid, type Storage } from '../src/storage/index.ts'
import type { Dataset } from '../src/train/data/dataset.ts'
import { encodeDataset } from '../src/train/data/datasetBlob.ts'
import { MNIST_ASSET_PATH, type MnistSplit } from '../src/train/data/mnistAsset.ts'
import { loadMnistFromDisk } from '../src/train/data/mnistNode.ts'

/** One tfjs engine per process: everything in it that trains or scores takes its turn. */
export const engine = serialQueue()

let mnist: Promise<MnistSplit> | undefined
const bundledMnist = async (): Promise<MnistSplit> => await (mnist ??= loadMnistFromDisk())

export async function prepareInProcess (spec: Pick<TaskSpec, 'dataset'>, storage: Storage, options: { signal?: AbortSignal } = {}): Promise<{ data: TaskData, trainer: Trainer, test: Dataset }> {
  const trainer = inProcessTrainer({ mnist: async () => (await bundledMnist()).train, queue: engine })
  if (spec.dataset.manifestCid === undefined) return { data: mnistTaskData(), trainer, test: (await bundledMnist()).test }
  const { train, test } = await loadUploadedDataset(storage, spec, options)
  return { data: datasetTaskData(train), trainer, test }
}

/** How the chain names a task's data: `datasetCid` and the initial version's `dataHash` (docs/protocol.md, section 16, step 2). */
export interface DataIdentity {
  datasetCid: Hex
  dataHash: Hex
}

const assets = new Map<string, Promise<DataIdentity>>()

/** A bundled asset under public/ as the wizard records it: its raw CID and its keccak256. */
export async function bundledDataIdentity (path: string = MNIST_ASSET_PATH): Promise<DataIdentity> {
  const known = assets.get(path) ?? readFile(new URL(`../public/${path}`, import.meta.url)).then(async (bytes) => ({
    datasetCid: bytesToHex((await rawCid(bytes)).bytes), dataHash: await keccakBytes(bytes)
  }))
  assets.set(path, known)
  return await known
}

/** The identity of the data a spec names, recomputed from the bytes: the bundled asset, or every sample of the upload. */
export async function dataIdentity (spec: Pick<TaskSpec, 'dataset'>, storage: Storage, options: { signal?: AbortSignal } = {}): Promise<DataIdentity> {
  const { manifestCid } = spec.dataset
  if (manifestCid === undefined) return await bundledDataIdentity()
  return await uploadedIdentity(manifestCid, (await loadUploadedSamples(storage, spec, options)).samples)
}

async function uploadedIdentity (manifestCid: string, samples: Dataset): Promise<DataIdentity> {
  return { datasetCid: cidToHex(CID.parse(manifestCid)), dataHash: await keccakBytes(encodeDataset(samples)) }
}

/** What the auditor needs of a task's data: the training split's size, and the data's identity. */
export interface AuditedData {
  size: number
  /** rejects where the identity cannot be recomputed (the bundled asset unreadable) */
  identity: () => Promise<DataIdentity>
}

/**
 * The data a spec names, fetched once for both what the auditor needs of it: the training split's
 * size (as prepareInProcess sizes it) and the identity (as dataIdentity recomputes it).
 */
export async function auditedData (spec: Pick<TaskSpec, 'dataset'>, storage: Storage, options: { signal?: AbortSignal } = {}): Promise<AuditedData> {
  const { manifestCid } = spec.dataset
  if (manifestCid === undefined) return { size: mnistTaskData().size, identity: async () => await bundledDataIdentity() }
  const uploaded = await loadUploadedSamples(storage, spec, options)
  return { size: datasetTaskData(splitUploaded(spec, uploaded).train).size, identity: async () => await uploadedIdentity(manifestCid, uploaded.samples) }
}
