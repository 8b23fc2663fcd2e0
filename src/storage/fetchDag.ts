import * as dagCbor from '@ipld/dag-cbor'
import type { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { collectBytes } from '../core/bytes.ts'
import type { ArtifactKind, PinKind } from '../core/messages/schemas.ts'
import { chunkLength, decodeBlobRoot, MAX_ROOT_BYTES, type BlobRoot, type BlockAccess } from './blobs.ts'
import { toCid, verifyBlock } from './cid.ts'
import { BlobTooLargeError, DagTooLargeError, InvalidArtifactError } from './errors.ts'
import { MAX_EVIDENCE_BYTES, type ArtifactLimits } from './limits.ts'
import { createManifestStore } from './manifest.ts'

export interface FetchDagOptions {
  limits: ArtifactLimits
  /** a data set (all shards of one manifest) may declare at most this many bytes */
  maxDatasetBytes: number
  signal?: AbortSignal
  /**
   * Called once every root is read, with the payload bytes they declare, before any payload is
   * fetched: throwing refuses the DAG (a quota) without downloading it.
   */
  admit?: (declared: number) => void
  /** told of each block as it arrives (roots included): a caller watching for stalls */
  onBlock?: () => void
  /** leaves fetched at once @default 16 */
  concurrency?: number
}

export interface FetchedDag {
  /** payload bytes, counted from the leaves that arrived */
  size: number
  /** blocks of the DAG, roots included */
  blocks: number
}

/**
 * Fetches every block of an artifact's DAG (a blob, or a data set manifest with its shards) the
 * way a pinner must: nothing a root claims is trusted. Each leaf is counted as it arrives and must
 * have exactly the length its root declares, so a DAG that links more bytes than its roots declare
 * (or than the kind's limit allows) is refused at the first leaf over, not after it was stored.
 * A referee's evidence report is one raw block, counted as it arrives.
 */
export async function fetchArtifactDag (blocks: BlockAccess, cidIn: CID | string, kind: PinKind, opts: FetchDagOptions): Promise<FetchedDag> {
  const cid = toCid(cidIn)
  // once one leaf is refused, the wants still out are cancelled: their bytes would be wasted
  const refused = new AbortController()
  const signal = opts.signal == null ? refused.signal : AbortSignal.any([opts.signal, refused.signal])
  const readBlock = async (block: CID, maxBytes: number, tooLarge: (size: number) => Error): Promise<Uint8Array> => {
    const bytes = await collectBytes(blocks.get(block, { signal }), { maxBytes, tooLarge })
    await verifyBlock(block, bytes)
    opts.onBlock?.()
    return bytes
  }
  const readRoot = async (root: CID, rootKind: ArtifactKind): Promise<BlobRoot> => {
    if (root.code !== dagCbor.code) throw new InvalidArtifactError(root.toString(), 'a blob root is dag-cbor')
    const bytes = await readBlock(root, MAX_ROOT_BYTES, () => new InvalidArtifactError(root.toString(), `root block is over ${MAX_ROOT_BYTES} bytes`))
    return decodeBlobRoot(root, bytes, rootKind, opts.limits)
  }

  if (kind === 'evidence') {
    // the chain names a report by its sha2-256 alone, which only a raw block's CID carries as it is
    if (cid.code !== raw.code) throw new InvalidArtifactError(cid.toString(), 'an evidence report is one raw block')
    const bytes = await readBlock(cid, MAX_EVIDENCE_BYTES, (size) => new BlobTooLargeError('evidence', size, MAX_EVIDENCE_BYTES, cid.toString()))
    opts.admit?.(bytes.length)
    return { size: bytes.length, blocks: 1 }
  }
  let roots: Array<{ cid: CID, root: BlobRoot }>
  if (kind === 'manifest') {
    // the manifest store checks the block's size, hash and shape; the shards' roots decide sizes
    const manifest = await createManifestStore({ blocks }, opts.limits).get(cid, { signal: opts.signal })
    opts.onBlock?.()
    roots = []
    let declared = 0
    for (const shard of manifest.shards) {
      const root = await readRoot(shard.cid, 'shard')
      declared += root.size
      if (declared > opts.maxDatasetBytes) throw new BlobTooLargeError('manifest', declared, opts.maxDatasetBytes, cid.toString())
      roots.push({ cid: shard.cid, root })
    }
  } else {
    roots = [{ cid, root: await readRoot(cid, kind) }]
  }
  const declared = roots.reduce((n, r) => n + r.root.size, 0)
  opts.admit?.(declared)

  const leaves = roots.flatMap(({ cid: rootCid, root }) => root.chunks.map((leaf, i) => ({ rootCid, leaf, expected: chunkLength(root, i), i })))
  let fetched = 0
  await allOrFirstError(leaves.length, opts.concurrency ?? 16, () => { refused.abort() }, async (n) => {
    const { rootCid, leaf, expected, i } = leaves[n] as typeof leaves[number]
    const over = (length: number): Error => new DagTooLargeError(cid.toString(), fetched + length, declared, `chunk ${i} of ${rootCid.toString()} is ${length} bytes, its root declares ${expected}`)
    const bytes = await readBlock(leaf, expected, over)
    if (bytes.length !== expected) throw new InvalidArtifactError(rootCid.toString(), `chunk ${i} is ${bytes.length} bytes, its root declares ${expected}`)
    fetched += bytes.length
  })
  return { size: fetched, blocks: leaves.length + roots.length + (kind === 'manifest' ? 1 : 0) }
}

/**
 * Runs `work` over 0..count-1: the first item alone (a DAG whose first leaf already breaks its
 * root's claim then costs one block, not `width`), then `width` at a time. The first failure calls
 * `onFailure` (to cancel the items running) and no new item starts; it rejects with that failure
 * only once every running item settled, so the caller may clean up what they stored.
 */
async function allOrFirstError (count: number, width: number, onFailure: () => void, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const state: { failure?: { error: unknown } } = {}
  const run = async (i: number): Promise<void> => {
    try {
      await work(i)
    } catch (error) {
      if (state.failure === undefined) {
        state.failure = { error }
        onFailure()
      }
    }
  }
  const lane = async (): Promise<void> => {
    while (next < count && state.failure === undefined) await run(next++)
  }
  if (count > 0) await run(next++)
  await Promise.all(Array.from({ length: Math.max(0, Math.min(width, count - next)) }, lane))
  if (state.failure !== undefined) throw state.failure.error
}
