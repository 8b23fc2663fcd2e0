import type { CID } from 'multiformats/cid'
import type { BlobProgress, BlobStore } from './blobs.ts'
import type { DatasetManifest, ManifestStore } from './manifest.ts'

export interface ShardInput {
  bytes: Uint8Array
  /** rows or examples in the shard */
  records: number
}

export interface UploadDatasetOptions {
  name: string
  schema: DatasetManifest['schema']
  shards: ShardInput[]
  /** pins shards and manifest locally with this metadata (e.g. the task ID) */
  pinMetadata?: Record<string, string | number | boolean>
  signal?: AbortSignal
  onProgress?: (progress: BlobProgress & { shard: number, shards: number }) => void
}

export interface UploadedDataset {
  cid: CID
  manifest: DatasetManifest
}

/** Stores every shard as a blob, then the manifest that links them; returns the manifest CID. */
export async function storeDataset (blobs: BlobStore, manifests: ManifestStore, opts: UploadDatasetOptions): Promise<UploadedDataset> {
  const shards: DatasetManifest['shards'] = []
  for (const [i, shard] of opts.shards.entries()) {
    const cid = await blobs.put(shard.bytes, {
      kind: 'shard',
      signal: opts.signal,
      pin: opts.pinMetadata ?? false,
      onProgress: p => opts.onProgress?.({ ...p, shard: i, shards: opts.shards.length })
    })
    shards.push({ cid, size: shard.bytes.length, sha256: await sha256Hex(shard.bytes), records: shard.records })
  }
  const manifest: DatasetManifest = {
    type: 'mlbridge/dataset/1',
    name: opts.name,
    schema: opts.schema,
    shards,
    totalSize: shards.reduce((n, s) => n + s.size, 0),
    totalRecords: shards.reduce((n, s) => n + s.records, 0)
  }
  const cid = await manifests.put(manifest, { signal: opts.signal, ...(opts.pinMetadata === undefined ? {} : { pin: opts.pinMetadata }) })
  return { cid, manifest }
}

/**
 * Cuts text data (CSV, JSON lines) into shards of at most `maxShardBytes` at line ends, so no
 * record is split; a line longer than a shard becomes a shard of its own. With `header`, the
 * first line is repeated at the top of every shard so each one parses alone.
 */
export function splitLines (bytes: Uint8Array, maxShardBytes: number, opts: { header?: boolean } = {}): ShardInput[] {
  const NL = 0x0a
  let start = 0
  let header: Uint8Array = new Uint8Array(0)
  if (opts.header === true) {
    const end = bytes.indexOf(NL)
    header = bytes.subarray(0, end === -1 ? bytes.length : end + 1)
    start = header.length
  }
  const shards: ShardInput[] = []
  let shardStart = start
  let records = 0
  let pos = start
  const flush = (end: number): void => {
    if (end <= shardStart) return
    const body = bytes.subarray(shardStart, end)
    const out = new Uint8Array(header.length + body.length)
    out.set(header, 0)
    out.set(body, header.length)
    shards.push({ bytes: out, records })
    shardStart = end
    records = 0
  }
  while (pos < bytes.length) {
    const nl = bytes.indexOf(NL, pos)
    const lineEnd = nl === -1 ? bytes.length : nl + 1
    if (lineEnd - shardStart + header.length > maxShardBytes && records > 0) flush(pos)
    // blank lines are not records
    if (nl === -1 || lineEnd - pos > 1) records++
    pos = lineEnd
  }
  flush(bytes.length)
  return shards
}

async function sha256Hex (bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))
  return Array.from(digest, b => b.toString(16).padStart(2, '0')).join('')
}
