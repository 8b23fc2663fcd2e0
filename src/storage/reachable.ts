/**
 * Which blocks pins reach, found by walking them in the local store: Helia 7.1's `pins.rm`
 * miscounts blocks shared by two pins, so its `isPinned` (and `gc`, which trusts it) can call a
 * block of a live pin unpinned.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { base64 } from 'multiformats/bases/base64'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { collectBytes } from '../core/bytes.ts'

/** what the walk reads: a block from the local store only (Helia's `offline`) */
export interface WalkableBlocks {
  get: (cid: CID, options?: { offline?: boolean }) => AsyncIterable<Uint8Array> | Iterable<Uint8Array>
}

/** Blockstores key blocks by multihash: a raw and a dag-cbor CID of the same bytes are one block. */
export function blockKey (cid: CID): string {
  return base64.encode(cid.multihash.bytes)
}

/**
 * The blocks the pins reach, each pin to its depth. Blobs, manifests and evidence are dag-cbor
 * nodes over raw leaves; a pinned block of another codec cannot be walked, and the walk throws
 * (a sweep then deletes nothing rather than guess). Returns their `blockKey`s.
 */
export async function reachable (pins: ReadonlyArray<{ cid: CID, depth: number }>, blocks: WalkableBlocks): Promise<Set<string>> {
  const walked = new Map<string, number>()
  const walk = async (cid: CID, depth: number): Promise<void> => {
    const key = blockKey(cid)
    if ((walked.get(key) ?? -1) >= depth) return
    walked.set(key, depth)
    if (depth <= 0 || cid.code === raw.code) return
    if (cid.code !== dagCbor.code) throw new Error(`a pinned block ${cid.toString()} has codec 0x${cid.code.toString(16)}, which the sweep cannot walk`)
    let bytes: Uint8Array
    try {
      bytes = await collectBytes(blocks.get(cid, { offline: true }))
    } catch {
      return // not here: nothing of it to keep
    }
    for (const link of linksOf(dagCbor.decode(bytes))) await walk(link, depth - 1)
  }
  for (const pin of pins) await walk(pin.cid, pin.depth)
  return new Set(walked.keys())
}

function * linksOf (value: unknown): Generator<CID> {
  const cid = CID.asCID(value)
  if (cid != null) {
    yield cid
    return
  }
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return
  for (const item of Array.isArray(value) ? value : Object.values(value)) yield * linksOf(item)
}
