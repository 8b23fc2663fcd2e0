/** `ArtifactStore` over the storage layer's blob store (Helia's blockstore in a page, memory in tests). */
import { CID } from 'multiformats/cid'
import { bytesToHex, hexToBytes, type Hex } from 'viem'
import { createStorage, type BlobStore, type BlockAccess } from '../storage/index.ts'
import type { PinReceipt } from '../core/messages/index.ts'
import type { ArtifactKind } from '../core/messages/schemas.ts'
import type { ArtifactStore } from './types.ts'

export function cidToHex (cid: CID): Hex {
  return bytesToHex(cid.bytes)
}

export function hexToCid (hex: Hex): CID {
  return CID.decode(hexToBytes(hex))
}

/**
 * Puts pin the blob locally (when the store has a pin set), so the node keeps serving it; gets
 * fetch missing blocks from peers.
 */
export function blobArtifactStore (blobs: BlobStore, opts: { pin?: boolean } = {}): ArtifactStore {
  const pin = opts.pin ?? true
  return {
    put: async (bytes, kind, options = {}) => cidToHex(await blobs.put(bytes, { kind, pin, ...(options.signal === undefined ? {} : { signal: options.signal }) })),
    get: async (cid, kind, options = {}) => await blobs.get(hexToCid(cid), { kind, ...(options.signal === undefined ? {} : { signal: options.signal }) })
  }
}

/**
 * Artifacts on a p2p node: a put stores and pins the blob here, then asks a pinner (the relay) to
 * fetch and keep it, so it stays available after this tab closes; a get fetches missing blocks
 * from connected peers. A put fails when no pinner accepted it: a result only this tab holds is
 * not yet published. The pinner's signed receipt for each put is kept until `receiptOf` takes it.
 * `stage` splits a put in its two halves.
 */
export function networkArtifactStore (blobs: BlobStore, pin: (kind: ArtifactKind, cid: CID, signal?: AbortSignal) => Promise<PinReceipt>): ArtifactStore {
  const local = blobArtifactStore(blobs)
  const receipts = new Map<Hex, PinReceipt>()
  return {
    put: async (bytes, kind, options = {}) => {
      const cid = await local.put(bytes, kind, options)
      receipts.set(cid, await pin(kind, hexToCid(cid), options.signal))
      return cid
    },
    get: local.get,
    receiptOf: (cid) => {
      const receipt = receipts.get(cid)
      receipts.delete(cid)
      return receipt
    },
    stage: async (bytes, kind, options = {}) => {
      const cid = await local.put(bytes, kind, options)
      // nothing reads a staged blob's receipt (a version is published after its round's results)
      return { cid, publish: async (o = {}) => { await pin(kind, hexToCid(cid), o.signal) } }
    }
  }
}

/** An in-memory block map (no network): what the tests share between providers in one process. */
export function memoryBlocks (): BlockAccess {
  const map = new Map<string, Uint8Array>()
  return {
    get: (cid) => {
      const block = map.get(cid.toString())
      if (block === undefined) throw new Error(`block not found: ${cid.toString()}`)
      return [block]
    },
    put: (cid, block) => { map.set(cid.toString(), block.slice()) }
  }
}

export function memoryArtifactStore (blocks: BlockAccess = memoryBlocks()): ArtifactStore {
  return blobArtifactStore(createStorage({ blocks }).blobs, { pin: false })
}
