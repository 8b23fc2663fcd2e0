/**
 * The delta root a version records: the Merkle Tree Hash of RFC 6962 (section 2.1) over the
 * round's accepted delta CIDs (see acceptedResults.ts for their order), with keccak256 as the hash:
 *
 *   MTH([])      = 0x00…00 (32 zero bytes)
 *   MTH([c])     = keccak256(0x00 ‖ c)
 *   MTH(D[0:n])  = keccak256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))   k = the largest power of two < n
 *
 * where c is a CID's binary bytes. The 0x00 / 0x01 prefixes keep a leaf from passing for an inner
 * node. The contracts' `DeltaRoot` library computes the same value on chain.
 */
import { concatHex, keccak256, type Hex } from 'viem'

export const EMPTY_DELTA_ROOT: Hex = `0x${'0'.repeat(64)}`

export function deltaLeaf (cid: Hex): Hex {
  return keccak256(concatHex(['0x00', cid]))
}

export function deltaRoot (cids: readonly Hex[]): Hex {
  return rootOfLeaves(cids.map(deltaLeaf))
}

/** The same root from the leaves (`deltaLeaf` of each CID), in order. */
export function rootOfLeaves (leaves: readonly Hex[]): Hex {
  if (leaves.length === 0) return EMPTY_DELTA_ROOT
  return subtree(leaves)
}

function subtree (leaves: readonly Hex[]): Hex {
  if (leaves.length === 1) return leaves[0] as Hex
  let k = 1
  while (k * 2 < leaves.length) k *= 2
  return keccak256(concatHex(['0x01', subtree(leaves.slice(0, k)), subtree(leaves.slice(k))]))
}
