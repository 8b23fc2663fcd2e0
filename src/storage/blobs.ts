import { collectBytes } from '../core/bytes.ts'
import type { ExclusiveGate } from '../core/concurrency.ts'
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { z } from '../core/zod.ts'
import { ARTIFACT_KINDS, type ArtifactKind } from '../core/messages/schemas.ts'
import { cborCid, rawCid, toCid, verifyBlock } from './cid.ts'
import { BlobTooLargeError, CidMismatchError, InvalidArtifactError } from './errors.ts'
import { DEFAULT_CHUNK_SIZE, DEFAULT_LIMITS, type ArtifactLimits } from './limits.ts'

/**
 * The block access a blob store needs: Helia's networked blockstore (fetches missing blocks by
 * bitswap) in a node, any interface-blockstore in tests.
 */
export interface BlockAccess {
  /** `offline`: only the local store, never the network (Helia's option) */
  get: (cid: CID, options?: { signal?: AbortSignal, offline?: boolean }) => Iterable<Uint8Array> | AsyncIterable<Uint8Array>
  put: (cid: CID, block: Uint8Array, options?: { signal?: AbortSignal }) => unknown
}

/** Helia's pin set: pinned DAGs survive garbage collection and are what a pinner serves. */
export interface PinAccess {
  add: (cid: CID, options?: { signal?: AbortSignal, metadata?: Record<string, string | number | boolean> }) => AsyncIterable<CID>
  isPinned: (cid: CID, options?: { signal?: AbortSignal }) => Promise<boolean>
  get: (cid: CID, options?: { signal?: AbortSignal }) => Promise<{ metadata: Record<string, string | number | boolean> }>
  setMetadata: (cid: CID, metadata: Record<string, string | number | boolean>, options?: { signal?: AbortSignal }) => Promise<void>
}

export interface BlobProgress {
  phase: 'put' | 'get'
  /** payload bytes done so far */
  bytes: number
  total: number
}

export interface BlobOptions {
  signal?: AbortSignal
  onProgress?: (progress: BlobProgress) => void
}

export interface PutBlobOptions extends BlobOptions {
  kind: ArtifactKind
  /** the CID the bytes were announced under: refuse them (CidMismatchError) if they hash to another */
  expectCid?: CID | string
  /** pin the DAG locally (with this metadata, and `pinnedAt` in unix ms) so the node keeps serving it */
  pin?: boolean | Record<string, string | number | boolean>
}

export interface GetBlobOptions extends BlobOptions {
  /** the kind the caller expects; the root must say the same and fit its limit */
  kind: ArtifactKind
}

export interface BlobInfo {
  cid: CID
  kind: ArtifactKind
  size: number
  chunks: number
}

/** Large artifacts (models, deltas, shards) as a chunked DAG. */
export interface BlobStore {
  put: (bytes: Uint8Array, options: PutBlobOptions) => Promise<CID>
  get: (cid: CID | string, options: GetBlobOptions) => Promise<Uint8Array>
  /** reads and checks only the root: kind, size and limit, without fetching the payload */
  stat: (cid: CID | string, options: GetBlobOptions) => Promise<BlobInfo>
  readonly limits: ArtifactLimits
}

export interface BlobStoreInit {
  blocks: BlockAccess
  pins?: PinAccess
  limits?: Partial<ArtifactLimits>
  /** @default DEFAULT_CHUNK_SIZE */
  chunkSize?: number
  /** chunks fetched or stored at once; bitswap pipelines wants, so more hides round trips @default 16 */
  concurrency?: number
  /** each put holds its shared side, so a sweep (its exclusive side) never deletes a blob between its writes and its pin */
  gate?: ExclusiveGate
}

/**
 * Root block (dag-cbor): the chunks are raw leaves it links to, so a pin of the root pins the
 * whole blob and any peer holding the leaves can serve them. The root states kind and size, which
 * is what lets a reader refuse an oversized blob before fetching it.
 */
export const BLOB_ROOT_TAG = 'mlbridge/blob/1'
const cidLink = z.custom<CID>(v => CID.asCID(v) != null, 'must be a CID link')
const blobRootSchema = z.strictObject({
  type: z.literal(BLOB_ROOT_TAG),
  kind: z.enum(ARTIFACT_KINDS),
  size: z.number().int().nonnegative(),
  chunkSize: z.number().int().positive(),
  chunks: z.array(cidLink)
})
export type BlobRoot = z.infer<typeof blobRootSchema>

// a root lists ~40 bytes per chunk: 1 MiB covers 25 GiB of payload
export const MAX_ROOT_BYTES = 1024 * 1024

/**
 * Checks a root block that already hashed to `cid`: its shape, that it is the expected kind, and
 * that the size it states fits the kind's limit, so nothing of the payload is fetched otherwise.
 */
export function decodeBlobRoot (cid: CID, bytes: Uint8Array, kind: ArtifactKind, limits: ArtifactLimits): BlobRoot {
  const root = parseBlobRoot(cid, bytes)
  if (root.kind !== kind) throw new InvalidArtifactError(cid.toString(), `it is a ${root.kind}, expected a ${kind}`)
  if (root.size > limits[kind]) throw new BlobTooLargeError(kind, root.size, limits[kind], cid.toString())
  if (root.chunks.length !== Math.ceil(root.size / root.chunkSize) || root.chunkSize > 2 * 1024 * 1024) {
    throw new InvalidArtifactError(cid.toString(), `${root.chunks.length} chunks of ${root.chunkSize} bytes cannot hold ${root.size} bytes`)
  }
  if (root.chunks.some(c => c.code !== raw.code)) throw new InvalidArtifactError(cid.toString(), 'chunks must be raw leaves')
  return root
}

/** The root's shape only; a reader also wants decodeBlobRoot's kind and limit checks. */
export function parseBlobRoot (cid: CID, bytes: Uint8Array): BlobRoot {
  try {
    return blobRootSchema.parse(dagCbor.decode(bytes))
  } catch (err) {
    throw new InvalidArtifactError(cid.toString(), err instanceof z.ZodError ? z.prettifyError(err) : String(err))
  }
}

/** Bytes chunk `i` of `root` must have. */
export function chunkLength (root: BlobRoot, i: number): number {
  return i === root.chunks.length - 1 ? root.size - i * root.chunkSize : root.chunkSize
}

export function createBlobStore (init: BlobStoreInit): BlobStore {
  const limits: ArtifactLimits = { ...DEFAULT_LIMITS, ...init.limits }
  const chunkSize = init.chunkSize ?? DEFAULT_CHUNK_SIZE
  const concurrency = init.concurrency ?? 16

  const readBlock = async (cid: CID, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array> => {
    const read = async (): Promise<Uint8Array> => await collectBytes(init.blocks.get(cid, { signal }), { maxBytes, tooLarge: () => new InvalidArtifactError(cid.toString(), `block is over ${maxBytes} bytes`) })
    // Helia checks that a block is here, then reads it: a sweep deleting it in between
    // (localRetention.ts) fails the read, where asking again fetches it from the network.
    const block = await read().catch(async (error: unknown) => {
      if (error instanceof Error && error.name === 'NotFoundError' && signal?.aborted !== true) return await read()
      throw error
    })
    await verifyBlock(cid, block)
    return block
  }

  const readRoot = async (cid: CID, kind: ArtifactKind, signal?: AbortSignal): Promise<BlobRoot> => {
    if (cid.code !== dagCbor.code) throw new InvalidArtifactError(cid.toString(), 'a blob root is dag-cbor')
    return decodeBlobRoot(cid, await readBlock(cid, MAX_ROOT_BYTES, signal), kind, limits)
  }

  return {
    limits,

    put: async (bytes, opts) => {
      const limit = limits[opts.kind]
      if (bytes.length > limit) throw new BlobTooLargeError(opts.kind, bytes.length, limit)
      const chunks: CID[] = []
      const pieces: Uint8Array[] = []
      for (let off = 0; off < bytes.length; off += chunkSize) {
        const piece = bytes.subarray(off, Math.min(off + chunkSize, bytes.length))
        pieces.push(piece)
        chunks.push(await rawCid(piece))
      }
      const rootBytes = dagCbor.encode({ type: BLOB_ROOT_TAG, kind: opts.kind, size: bytes.length, chunkSize, chunks } satisfies BlobRoot)
      const cid = await cborCid(rootBytes)
      // check before writing anything: refused bytes must not land in the store
      if (opts.expectCid != null) {
        const expected = toCid(opts.expectCid)
        if (expected.toString() !== cid.toString()) throw new CidMismatchError(expected.toString(), cid.toString())
      }
      // A sweep of unpinned blocks (src/storage/localRetention.ts) must not fall between the
      // writes and the pin: the pin would then look for the deleted blocks on the network.
      return await whileStoring(init.gate, async () => {
        let done = 0
        await inParallel(pieces.length, concurrency, async (i) => {
          await init.blocks.put(chunks[i] as CID, pieces[i] as Uint8Array, { signal: opts.signal })
          done += (pieces[i] as Uint8Array).length
          opts.onProgress?.({ phase: 'put', bytes: done, total: bytes.length })
        })
        await init.blocks.put(cid, rootBytes, { signal: opts.signal })
        if (opts.pin != null && opts.pin !== false) await pinLocally(init.pins, cid, opts.pin === true ? { kind: opts.kind } : opts.pin, opts.signal)
        return cid
      }, opts.signal)
    },

    stat: async (cidIn, opts) => {
      const cid = toCid(cidIn)
      const root = await readRoot(cid, opts.kind, opts.signal)
      return { cid, kind: root.kind, size: root.size, chunks: root.chunks.length }
    },

    get: async (cidIn, opts) => {
      const cid = toCid(cidIn)
      const root = await readRoot(cid, opts.kind, opts.signal)
      const out = new Uint8Array(root.size)
      let done = 0
      // all wants go out at once (bounded), so bitswap fetches leaves in parallel, not one RTT each
      await inParallel(root.chunks.length, concurrency, async (i) => {
        const expected = chunkLength(root, i)
        const block = await readBlock(root.chunks[i] as CID, expected, opts.signal)
        if (block.length !== expected) throw new InvalidArtifactError(cid.toString(), `chunk ${i} is ${block.length} bytes, expected ${expected}`)
        out.set(block, i * root.chunkSize)
        done += block.length
        opts.onProgress?.({ phase: 'get', bytes: done, total: root.size })
      })
      return out
    }
  }
}

/**
 * The pin whose root is `cid`, if there is one. Not `isPinned`, which is also true for a block
 * another pin reaches (a shard under a pinned manifest) and for the root of a pin whose walk was
 * cut short (Helia marks the blocks before it writes the pin).
 */
export async function pinOf (pins: PinAccess, cid: CID, signal?: AbortSignal): Promise<{ metadata: Record<string, string | number | boolean> } | undefined> {
  return await pins.get(cid, { signal }).catch((error: unknown) => {
    if (error instanceof Error && error.name === 'NotFoundError') return undefined
    throw error
  })
}

/**
 * Pins the DAG under `cid` here, with `pinnedAt` (unix ms) beside the caller's metadata: the local
 * sweep releases a pin by its age. A DAG pinned already keeps its metadata, dated anew: it was
 * just published again.
 */
export async function pinLocally (pins: PinAccess | undefined, cid: CID, metadata: Record<string, string | number | boolean>, signal?: AbortSignal): Promise<void> {
  if (pins == null) throw new Error('this blob store has no pin set')
  const pin = await pinOf(pins, cid, signal)
  if (pin !== undefined) {
    await pins.setMetadata(cid, { ...pin.metadata, pinnedAt: Date.now() }, { signal })
    return
  }
  try {
    for await (const _ of pins.add(cid, { metadata: { ...metadata, pinnedAt: Date.now() }, signal })) { /* walk the DAG */ }
  } catch (error) {
    // the same blob put twice at once: the other put pinned it first
    if (!(error instanceof Error && error.name === 'AlreadyPinnedError')) throw error
  }
}

/** Runs `job` inside the gate's shared side, or at once without a gate. Never nest it: a sweep waiting in between would deadlock both. */
export async function whileStoring<T> (gate: ExclusiveGate | undefined, job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  return gate === undefined ? await job() : await gate.shared(job, signal)
}

async function inParallel (count: number, width: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < count) await work(next++)
  }
  await Promise.all(Array.from({ length: Math.min(width, count) }, lane))
}
