import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { CidMismatchError, StorageError } from './errors.ts'

export async function rawCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(raw.code, await sha256.digest(bytes))
}

export async function cborCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(dagCbor.code, await sha256.digest(bytes))
}

/** Re-hashes a block; a local blockstore is not trusted more than a peer. */
export async function verifyBlock (cid: CID, bytes: Uint8Array): Promise<void> {
  if (cid.multihash.code !== sha256.code) throw new StorageError(`unsupported hash 0x${cid.multihash.code.toString(16)} in ${cid.toString()}: only sha2-256`)
  const digest = await sha256.digest(bytes)
  if (!equalBytes(digest.digest, cid.multihash.digest)) {
    throw new CidMismatchError(cid.toString(), CID.createV1(cid.code, digest).toString())
  }
}

export function toCid (cid: CID | string): CID {
  if (typeof cid !== 'string') return cid
  try {
    return CID.parse(cid)
  } catch (err) {
    throw new StorageError(`not a CID: '${cid}'`, { cause: err })
  }
}

function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
