/**
 * What a challenge claims, committed with it before it is opened: what only the check that
 * found the fault gives. The referee names the right claim with its verdict, and only a
 * challenger whose claim is it is paid as reporter (its bond back); a watcher that commits blind
 * on everything, to take over whoever did the check, loses its bond (`docs/protocol.md`,
 * "Challenge claims").
 */
import { encodeAbiParameters, keccak256, type Hex } from 'viem'

const ZERO: Hex = `0x${'00'.repeat(32)}`
const TWO_WORDS = [{ type: 'bytes32' }, { type: 'bytes32' }] as const

/**
 * A result's claim, `ResultChallenges.resultClaim`: `keccak256(abi.encode(contentHash,
 * fingerprintHash))`. `contentHash` is the keccak256 of the plaintext delta when the sealed delta
 * opens to the committed CID, else of the sealed bytes; `fingerprintHash` that of the fingerprint
 * recomputed from a delta that decodes and validates, absent (zero) otherwise.
 */
export function resultClaim (contentHash: Hex, fingerprintHash?: Hex): Hex {
  return keccak256(encodeAbiParameters(TWO_WORDS, [contentHash, fingerprintHash ?? ZERO]))
}

/** The recomputed fields a version's claim covers (the ones the referee checks). */
export interface RecomputedVersion {
  commitHash: Hex
  deltaRoot: Hex
  dataHash: Hex
}

/** A version's claim: `keccak256(abi.encode(commitHash, deltaRoot, dataHash))` of the round recomputed. */
export function versionClaim (v: RecomputedVersion): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }, { type: 'bytes32' }], [v.commitHash, v.deltaRoot, v.dataHash]))
}
