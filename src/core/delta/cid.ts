import { bytesToHex, type Hex } from 'viem'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'

/**
 * The CID a commitment names for a plaintext delta: CIDv1, raw codec, sha2-256 of the whole
 * encoded delta (0x01 0x55 0x12 0x20 then the 32-byte digest). It is a content hash only: the
 * plaintext is never uploaded before the reveal; what is pinned is the sealed delta.
 */
export async function deltaCidOf (plaintext: Uint8Array): Promise<Hex> {
  return bytesToHex(CID.createV1(raw.code, await sha256.digest(plaintext)).bytes)
}
