/**
 * A round's accepted results as a proposal lists them: for every accepted shard in ascending order
 * and every winner of it in ascending replica order, the hash of the fingerprint it revealed and
 * the delta root's leaf of its delta CID. At reveal the verifier stored each result as
 * `keccak256(abi.encode(fingerprintHash, deltaLeaf))`; at `propose` it checks the list against
 * those slots and computes the round's delta root from the leaves, so a version names no inputs
 * but the round's accepted deltas.
 */
import { encodeAbiParameters, keccak256, type Hex } from 'viem'
import { bitsOf, hasBit } from '../bitmask.ts'
import { MLBridgeError } from '../errors.ts'
import { packFingerprint } from '../fingerprint.ts'
import { deltaLeaf, rootOfLeaves } from './deltaRoot.ts'

export interface AcceptedResult {
  fingerprintHash: Hex
  deltaLeaf: Hex
}

/** What a winner of an accepted shard revealed (from its `Revealed` event). */
export interface RevealedWinner {
  shard: number
  replica: number
  deltaCid: Hex
  fingerprint: readonly number[]
}

/** A shard's accepted attempt and its winners, as `ShardAccepted` states them. */
export interface AcceptedAttempt {
  shard: number
  attempt: number
  winnersMask: number
}

/**
 * Each accepted shard's winners' reveals (of its last accepted attempt), in shard order. A winner
 * whose reveal is not found is an error naming it, never a shorter list: the verifier checks the
 * whole list.
 */
export async function winnerReveals<R extends { replica: number }> (
  accepted: readonly AcceptedAttempt[],
  readRevealed: (a: AcceptedAttempt) => Promise<readonly R[]>
): Promise<Array<AcceptedAttempt & { reveals: R[] }>> {
  const latest = new Map<number, AcceptedAttempt>()
  for (const a of accepted) if ((latest.get(a.shard)?.attempt ?? -1) < a.attempt) latest.set(a.shard, a)
  const shards: Array<AcceptedAttempt & { reveals: R[] }> = []
  for (const a of [...latest.values()].sort((x, y) => x.shard - y.shard)) {
    const reveals = (await readRevealed(a)).filter((r) => hasBit(a.winnersMask, r.replica))
    const missing = bitsOf(a.winnersMask).filter((i) => !reveals.some((r) => r.replica === i))
    if (missing.length > 0) throw new MLBridgeError('AGGREGATE_INPUT_MISSING', `no revealed result for winners ${missing.join(', ')} of accepted shard ${a.shard} attempt ${a.attempt} (were its events read from too late a block?)`)
    shards.push({ ...a, reveals })
  }
  return shards
}

/** keccak256 of the fingerprint as revealed: packed, 4 bytes per entry (`packFingerprint`). */
export function fingerprintHash (fingerprint: readonly number[]): Hex {
  return keccak256(packFingerprint(fingerprint))
}

/** What the verifier stores in a revealed result's slot (`resultOf`). */
export function resultDigest (result: AcceptedResult): Hex {
  return keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [result.fingerprintHash, result.deltaLeaf]))
}

/** The round's list: every winner, by shard, then by replica. */
export function acceptedResults (winners: readonly RevealedWinner[]): AcceptedResult[] {
  return [...winners]
    .sort((a, b) => a.shard - b.shard || a.replica - b.replica)
    .map((w) => ({ fingerprintHash: fingerprintHash(w.fingerprint), deltaLeaf: deltaLeaf(w.deltaCid) }))
}

/** The delta root the verifier computes from the list (`acceptedDeltaRoot`). */
export function acceptedDeltaRoot (results: readonly AcceptedResult[]): Hex {
  return rootOfLeaves(results.map((r) => r.deltaLeaf))
}
