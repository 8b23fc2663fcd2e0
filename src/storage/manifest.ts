import { collectBytes } from '../core/bytes.ts'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import { z } from '../core/zod.ts'
import { cborCid, toCid, verifyBlock } from './cid.ts'
import { BlobTooLargeError, InvalidArtifactError } from './errors.ts'
import { pinLocally, whileStoring, type BlobOptions, type BlobStore, type BlobStoreInit } from './blobs.ts'

export const MANIFEST_TAG = 'mlbridge/dataset/1'

const cidLink = z.custom<CID>(v => CID.asCID(v) != null, 'must be a CID link')

/**
 * A data set as the task spec references it. Shards are CID links (not strings), so pinning the
 * manifest pins every shard; `sha256` is of the shard's plain bytes, the data hash the chain records.
 */
export const datasetManifestSchema = z.strictObject({
  type: z.literal(MANIFEST_TAG),
  name: z.string().min(1).max(200),
  schema: z.strictObject({
    format: z.enum(['csv', 'json', 'images', 'binary']),
    /** CSV/JSON columns, in order; for a table packed as binary, its feature columns in feature order */
    columns: z.array(z.string().max(200)).max(10_000).optional(),
    /** the column (or folder level) holding the label */
    label: z.string().max(200).optional(),
    classes: z.array(z.string().max(200)).max(100_000).optional(),
    /** a shard's first line is the CSV header */
    header: z.boolean().optional(),
    /** a binary table's scaling: feature f was stored as (value - mean[f]) / std[f], one entry per column */
    scale: z.strictObject({
      mean: z.array(z.number()).max(10_000),
      std: z.array(z.number().positive()).max(10_000)
    }).optional()
  }).refine(s => s.scale === undefined || (s.columns?.length === s.scale.mean.length && s.columns.length === s.scale.std.length), {
    message: 'scale.mean and scale.std must have one entry per column', path: ['scale']
  }),
  shards: z.array(z.strictObject({
    cid: cidLink,
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    records: z.number().int().nonnegative()
  })).min(1).max(100_000),
  totalSize: z.number().int().nonnegative(),
  totalRecords: z.number().int().nonnegative()
}).refine(m => m.totalSize === m.shards.reduce((n, s) => n + s.size, 0), 'totalSize must be the sum of shard sizes')
  .refine(m => m.totalRecords === m.shards.reduce((n, s) => n + s.records, 0), 'totalRecords must be the sum of shard records')

export type DatasetManifest = z.output<typeof datasetManifestSchema>

export interface ManifestStore {
  /** `pin`: pin the manifest, and so every shard it links, locally with this metadata */
  put: (manifest: DatasetManifest, options?: { signal?: AbortSignal, pin?: Record<string, string | number | boolean> }) => Promise<CID>
  get: (cid: CID | string, options?: BlobOptions) => Promise<DatasetManifest>
}

export function createManifestStore (init: Pick<BlobStoreInit, 'blocks' | 'pins' | 'gate'>, limits: BlobStore['limits']): ManifestStore {
  const { blocks } = init
  const limit = limits.manifest
  return {
    put: async (manifest, opts = {}) => {
      const parsed = datasetManifestSchema.safeParse(manifest)
      if (!parsed.success) throw new InvalidArtifactError('(new manifest)', z.prettifyError(parsed.error))
      const bytes = dagCbor.encode(parsed.data)
      if (bytes.length > limit) throw new BlobTooLargeError('manifest', bytes.length, limit)
      const cid = await cborCid(bytes)
      return await whileStoring(init.gate, async () => {
        await blocks.put(cid, bytes, { signal: opts.signal })
        if (opts.pin !== undefined) await pinLocally(init.pins, cid, opts.pin, opts.signal)
        return cid
      }, opts.signal)
    },
    get: async (cidIn, opts = {}) => {
      const cid = toCid(cidIn)
      if (cid.code !== dagCbor.code) throw new InvalidArtifactError(cid.toString(), 'a manifest is dag-cbor')
      const bytes = await collectBytes(blocks.get(cid, { signal: opts.signal }), { maxBytes: limit, tooLarge: (size) => new BlobTooLargeError('manifest', size, limit, cid.toString()) })
      await verifyBlock(cid, bytes)
      const parsed = datasetManifestSchema.safeParse(dagCbor.decode(bytes))
      if (!parsed.success) throw new InvalidArtifactError(cid.toString(), z.prettifyError(parsed.error))
      return parsed.data
    }
  }
}
