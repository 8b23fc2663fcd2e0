/**
 * An uploaded data set as bytes, so it can be stored as manifest shards and decoded the same way
 * by every provider. Little endian throughout:
 *
 *   u32 magic "MLDS" | u32 version | u32 header length H | H bytes of JSON header
 *   | count * featureSize float32 features | count int32 labels
 *
 * The JSON header is `{ count, featureShape, classes, classNames? }`. Nothing is padded: the
 * numbers are read with a DataView, which needs no alignment.
 */
import { keccak_256 as keccak256 } from '@noble/hashes/sha3.js'
import { bytesToHex, type Hex } from 'viem'
import { DataFormatError } from '../errors.ts'
import { featureSize, sampleCount, type Dataset } from './dataset.ts'
import type { ShardInput } from '../../storage/dataset.ts'

const MAGIC = 0x53444c4d // "MLDS" little-endian
const VERSION = 1
const PREFIX = 12
/** A header is a few numbers and class names; anything bigger is not one this code wrote. */
const MAX_HEADER = 4 * 1024 * 1024

interface Header {
  count: number
  featureShape: number[]
  classes: number
  classNames?: string[]
}

/** Bytes that are not an encoded data set, or one whose parts disagree. */
export class DatasetBlobError extends DataFormatError {
  override name = 'DatasetBlobError'
}

/** The header of `count` samples of `source`'s shape. */
function headerOf (source: SampleSource, count: number): Header {
  const { featureShape, classes, classNames } = source
  return { count, featureShape, classes, ...(classNames === undefined ? {} : { classNames }) }
}

/** The prefix (magic, version, header length) and the JSON header. */
function headerBytes (header: Header): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header))
  const out = new Uint8Array(PREFIX + json.length)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, VERSION, true)
  view.setUint32(8, json.length, true)
  out.set(json, PREFIX)
  return out
}

export function encodeDataset (ds: Dataset): Uint8Array {
  const size = featureSize(ds)
  const count = sampleCount(ds)
  if (ds.x.length !== count * size) {
    throw new DatasetBlobError('data set', `has ${ds.x.length} feature values, expected ${count} samples x ${size}`)
  }
  return encodeSamples(datasetSource(ds), 0, count).bytes
}

/**
 * Samples `start` to `end` of `source` encoded as a data set of their own, with where its
 * features end and its labels begin.
 */
function encodeSamples (source: SampleSource, start: number, end: number): { bytes: Uint8Array, labelsAt: number } {
  const size = source.featureShape.reduce((a, b) => a * b, 1)
  const header = headerBytes(headerOf(source, end - start))
  const xAt = header.length
  const labelsAt = xAt + (end - start) * size * 4
  const bytes = new Uint8Array(labelsAt + (end - start) * 4)
  bytes.set(header)
  const view = new DataView(bytes.buffer)
  const sample = new Float32Array(size)
  for (let i = start; i < end; i++) {
    source.features(i, sample, 0)
    const at = xAt + (i - start) * size * 4
    for (let f = 0; f < size; f++) view.setFloat32(at + f * 4, sample[f] as number, true)
    view.setInt32(labelsAt + (i - start) * 4, source.label(i), true)
  }
  return { bytes, labelsAt }
}

function isPositiveInt (v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0
}

function parseHeader (json: unknown, source: string): Header {
  if (typeof json !== 'object' || json === null) throw new DatasetBlobError(source, 'the header is not a JSON object')
  const h = json as Record<string, unknown>
  if (typeof h.count !== 'number' || !Number.isInteger(h.count) || h.count < 0) throw new DatasetBlobError(source, 'header.count must be a whole number')
  if (!Array.isArray(h.featureShape) || h.featureShape.length === 0 || !h.featureShape.every(isPositiveInt)) {
    throw new DatasetBlobError(source, 'header.featureShape must be a list of positive integers')
  }
  if (!isPositiveInt(h.classes) || h.classes < 2) throw new DatasetBlobError(source, 'header.classes must be an integer of at least 2')
  if (h.classNames !== undefined && (!Array.isArray(h.classNames) || h.classNames.length !== h.classes || !h.classNames.every((n) => typeof n === 'string'))) {
    throw new DatasetBlobError(source, `header.classNames must be ${h.classes} strings`)
  }
  return { count: h.count, featureShape: h.featureShape, classes: h.classes, ...(h.classNames === undefined ? {} : { classNames: h.classNames as string[] }) }
}

/** Throws DatasetBlobError naming the problem: truncation, bad magic, a label out of range. */
export function decodeDataset (bytes: Uint8Array, source = 'data set'): Dataset {
  if (bytes.length < PREFIX) throw new DatasetBlobError(source, `is ${bytes.length} bytes, too short for a data set header`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  if (view.getUint32(0, true) !== MAGIC) throw new DatasetBlobError(source, 'is not an ML Bridge data set (bad magic)')
  const version = view.getUint32(4, true)
  if (version !== VERSION) throw new DatasetBlobError(source, `has format version ${version}, this app reads version ${VERSION}`)
  const headerLength = view.getUint32(8, true)
  if (headerLength > MAX_HEADER) throw new DatasetBlobError(source, `states a ${headerLength}-byte header, over the ${MAX_HEADER}-byte limit`)
  if (bytes.length < PREFIX + headerLength) throw new DatasetBlobError(source, 'is truncated inside its header')
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(PREFIX, PREFIX + headerLength)))
  } catch (error) {
    throw new DatasetBlobError(source, `the header is not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
  const header = parseHeader(json, source)
  const size = header.featureShape.reduce((a, b) => a * b, 1)
  const xAt = PREFIX + headerLength
  const labelsAt = xAt + header.count * size * 4
  const expected = labelsAt + header.count * 4
  if (bytes.length !== expected) {
    throw new DatasetBlobError(source, `${bytes.length < expected ? 'is truncated' : 'has trailing bytes'}: ${header.count} samples of ${size} features need ${expected} bytes, got ${bytes.length}`)
  }
  const x = new Float32Array(header.count * size)
  for (let i = 0; i < x.length; i++) x[i] = view.getFloat32(xAt + i * 4, true)
  const labels = new Int32Array(header.count)
  for (let i = 0; i < header.count; i++) {
    const label = view.getInt32(labelsAt + i * 4, true)
    if (label < 0 || label >= header.classes) throw new DatasetBlobError(`${source} sample ${i}`, `label ${label} is outside 0..${header.classes - 1}`)
    labels[i] = label
  }
  return { x, labels, featureShape: header.featureShape, classes: header.classes, ...(header.classNames === undefined ? {} : { classNames: header.classNames }) }
}

/**
 * Samples as a packer reads them, one at a time, so a data set can be encoded from where it lies
 * (a table's columns in a worker) without first being copied into one `Dataset`.
 */
export interface SampleSource {
  count: number
  featureShape: number[]
  classes: number
  classNames?: string[]
  /** writes sample `i`'s features into `out` from `at` */
  features: (i: number, out: Float32Array, at: number) => void
  label: (i: number) => number
}

export function datasetSource (ds: Dataset): SampleSource {
  const size = featureSize(ds)
  return {
    count: sampleCount(ds),
    featureShape: ds.featureShape,
    classes: ds.classes,
    ...(ds.classNames === undefined ? {} : { classNames: ds.classNames }),
    features: (i, out, at) => { out.set(ds.x.subarray(i * size, (i + 1) * size), at) },
    label: (i) => ds.labels[i] as number
  }
}

export interface PackedDataset {
  shards: ShardInput[]
  /** keccak256 of the whole set as `encodeDataset` writes it: what the data registry records */
  dataHash: Hex
}

/**
 * Cuts a data set into encoded shards of at most `maxBytes`, by whole samples and in order, so
 * the concatenated shards are the data set again (and its tail is still the held-out part), and
 * hashes the whole set's encoding from the shards' own bytes: the whole is never encoded at once,
 * so a large table is held once as shards rather than twice more.
 */
export function packDataset (source: SampleSource, maxBytes: number, onProgress?: (done: number) => void): PackedDataset {
  const { count, featureShape } = source
  if (count === 0) throw new DatasetBlobError('data set', 'has no samples')
  const size = featureShape.reduce((a, b) => a * b, 1)
  const wholeHeader = headerBytes(headerOf(source, count))
  // The header grows only with the digits of `count`, so the whole set's header bounds every shard's.
  const perSample = (size + 1) * 4
  const perShard = Math.floor((maxBytes - wholeHeader.length) / perSample)
  if (perShard < 1) throw new DatasetBlobError('data set', `one sample (${perSample} bytes plus a ${wholeHeader.length}-byte header) does not fit a ${maxBytes}-byte shard`)
  // The whole encoding is its header, every sample's features, then every label: hashed in that order.
  const hash = keccak256.create().update(wholeHeader)
  const labelParts: Uint8Array[] = []
  const shards: ShardInput[] = []
  for (let start = 0; start < count; start += perShard) {
    const end = Math.min(count, start + perShard)
    const { bytes, labelsAt } = encodeSamples(source, start, end)
    // A shard's features follow its own header: hash them, and its labels after every shard's features.
    hash.update(bytes.subarray(labelsAt - (end - start) * size * 4, labelsAt))
    labelParts.push(bytes.subarray(labelsAt))
    shards.push({ bytes, records: end - start })
    onProgress?.(end / count)
  }
  for (const part of labelParts) hash.update(part)
  return { shards, dataHash: bytesToHex(hash.digest()) }
}

/** The data set as shards of at most `maxBytes` (see `packDataset`). */
export function splitDataset (ds: Dataset, maxBytes: number): ShardInput[] {
  return packDataset(datasetSource(ds), maxBytes).shards
}

/** Joins data sets of one shape, in order; throws when their shapes or classes differ. */
export function concatDatasets (parts: readonly Dataset[], source = 'data set'): Dataset {
  const first = parts[0]
  if (first === undefined) throw new DatasetBlobError(source, 'has no shards')
  const shape = first.featureShape.join('x')
  parts.forEach((part, i) => {
    if (part.featureShape.join('x') !== shape) throw new DatasetBlobError(`${source} shard ${i}`, `has samples of shape ${part.featureShape.join('x')}, shard 0 has ${shape}`)
    if (part.classes !== first.classes) throw new DatasetBlobError(`${source} shard ${i}`, `has ${part.classes} classes, shard 0 has ${first.classes}`)
  })
  const x = new Float32Array(parts.reduce((n, p) => n + p.x.length, 0))
  const labels = new Int32Array(parts.reduce((n, p) => n + p.labels.length, 0))
  let xAt = 0
  let labelAt = 0
  for (const part of parts) {
    x.set(part.x, xAt)
    labels.set(part.labels, labelAt)
    xAt += part.x.length
    labelAt += part.labels.length
  }
  return { ...first, x, labels }
}
