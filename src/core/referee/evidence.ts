/**
 * A referee's evidence report as published: the report's canonical JSON (keys in the report's
 * order, no spaces) as one raw IPFS block. What the chain records as `evidence` is the block's
 * sha2-256 digest, so the bytes32 alone names the block (`evidenceCid`) and anyone holding the
 * report can check it against the chain without our code.
 */
import { hexToBytes, sha256, stringToBytes, type Hex } from 'viem'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import * as Digest from 'multiformats/hashes/digest'
import { sha256 as sha256Hasher } from 'multiformats/hashes/sha2'

export interface EncodedEvidence {
  /** utf8 of the canonical JSON */
  bytes: Uint8Array
  /** sha256(bytes): the on-chain `evidence` */
  hash: Hex
}

export function encodeEvidence (report: object): EncodedEvidence {
  const bytes = stringToBytes(JSON.stringify(report))
  return { bytes, hash: sha256(bytes) }
}

/** The raw block an on-chain `evidence` names: CIDv1, raw codec, sha2-256 (`0x01551220 ‖ evidence`). */
export function evidenceCid (evidence: Hex): CID {
  return CID.createV1(raw.code, Digest.create(sha256Hasher.code, hexToBytes(evidence)))
}
