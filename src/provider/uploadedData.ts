/**
 * An uploaded data set, as a provider gets it: the manifest named by the spec, every shard checked
 * against the size and sha256 the manifest records, decoded and joined in order. The last
 * `holdoutFraction` of the samples is the held-out test split, never trained on.
 */
import type { TaskSpec } from '../core/taskSpec.ts'
import { concatDatasets, decodeDataset, DatasetBlobError } from '../train/data/datasetBlob.ts'
import { sliceSamples, type Dataset } from '../train/data/dataset.ts'
import { MNIST_TEST_SIZE } from '../train/data/mnistAsset.ts'
import type { Storage } from '../storage/index.ts'
import type { EvaluationData } from '../train/workerApi.ts'

export interface UploadedSplit {
  train: Dataset
  test: Dataset
}

async function sha256Hex (bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Splits off the last `fraction` of the samples (at least one each side) as the test split, of
 * which the first `evalSamples` (all when left out) score versions.
 */
export function holdOut (all: Dataset, fraction: number, source = 'data set', evalSamples?: number): UploadedSplit {
  const count = all.labels.length
  const testCount = heldOutCount(count, fraction, source)
  const testEnd = Math.min(count, count - testCount + (evalSamples ?? testCount))
  return { train: sliceSamples(all, 0, count - testCount), test: sliceSamples(all, count - testCount, testEnd) }
}

/** How many of `count` samples a `fraction` holds out: at least one. */
export const heldOutShare = (count: number, fraction: number): number => Math.max(1, Math.round(count * fraction))

/** How many of `count` samples `holdOut` keeps back (at least one, and at least one left to train on). */
export function heldOutCount (count: number, fraction: number, source = 'data set'): number {
  const testCount = heldOutShare(count, fraction)
  if (count - testCount < 1) throw new DatasetBlobError(source, `has ${count} samples: too few to hold out ${fraction} and still train`)
  return testCount
}

/**
 * How many held-out samples score each version: the bundled MNIST's test split, or, for an upload
 * of `totalRecords` samples (its manifest's), the test split `splitUploaded` cuts.
 */
export function scoredSampleCount (dataset: TaskSpec['dataset'], totalRecords: number): number {
  if (dataset.manifestCid === undefined) return MNIST_TEST_SIZE
  const held = heldOutCount(totalRecords, dataset.holdoutFraction, `data set "${dataset.name}"`)
  return Math.min(held, dataset.evalSamples ?? held)
}

/** What a task's versions are scored on: the uploaded data set's held-out split, or without one (the bundled MNIST) its test split, which the evaluator worker holds. */
export function heldOutOf (split: UploadedSplit | undefined): EvaluationData {
  return split === undefined ? { kind: 'mnist-test' } : { kind: 'samples', data: split.test }
}

export async function loadUploadedDataset (storage: Storage, spec: Pick<TaskSpec, 'dataset'>, options: { signal?: AbortSignal } = {}): Promise<UploadedSplit> {
  return splitUploaded(spec, await loadUploadedSamples(storage, spec, options))
}

/** The uploaded samples split as the spec's `holdoutFraction` and `evalSamples` say. */
export function splitUploaded (spec: Pick<TaskSpec, 'dataset'>, { name, samples }: { name: string, samples: Dataset }): UploadedSplit {
  return holdOut(samples, spec.dataset.holdoutFraction, `data set "${name}"`, spec.dataset.evalSamples)
}

/** Every sample of the uploaded data set, in order, each shard checked against its manifest entry. */
export async function loadUploadedSamples (storage: Storage, spec: Pick<TaskSpec, 'dataset'>, options: { signal?: AbortSignal } = {}): Promise<{ name: string, samples: Dataset }> {
  const { manifestCid, name } = spec.dataset
  if (manifestCid === undefined) throw new DatasetBlobError(`data set "${name}"`, 'the task spec names no manifestCid')
  const signal = options.signal === undefined ? {} : { signal: options.signal }
  const manifest = await storage.manifests.get(manifestCid, signal)
  if (manifest.schema.format !== 'binary') throw new DatasetBlobError(`manifest ${manifestCid}`, `has format "${manifest.schema.format}", expected "binary"`)
  const parts: Dataset[] = []
  for (const [i, shard] of manifest.shards.entries()) {
    const source = `data set "${manifest.name}" shard ${i}`
    const bytes = await storage.blobs.get(shard.cid, { kind: 'shard', ...signal })
    if (bytes.length !== shard.size) throw new DatasetBlobError(source, `is ${bytes.length} bytes, the manifest records ${shard.size}`)
    const sha256 = await sha256Hex(bytes)
    if (sha256 !== shard.sha256) throw new DatasetBlobError(source, `has sha256 ${sha256}, the manifest records ${shard.sha256}`)
    const part = decodeDataset(bytes, source)
    if (part.labels.length !== shard.records) throw new DatasetBlobError(source, `holds ${part.labels.length} samples, the manifest records ${shard.records}`)
    parts.push(part)
  }
  return { name: manifest.name, samples: concatDatasets(parts, `data set "${manifest.name}"`) }
}
