/**
 * Which revealed deltas a version uses for an accepted shard: every winner's, each checked against
 * what its provider committed and revealed. A provider could reveal the honest fingerprint (copied
 * from the honest reveal) over other bytes, or upload bytes that do not open with its salt; every
 * recomputer would then aggregate whatever it found. So each winner's sealed delta is fetched,
 * opened with its revealed salt, and checked: the plaintext hashes to the committed delta CID, its
 * binding names this provider and attempt, it decodes to the task's layout in the task's delta
 * encoding (a dense delta in a top-k task is refused, as is any other), and its fingerprint
 * under the attempt's seed equals the revealed one exactly (the sketch is integer-exact). Every
 * winner that fails is reported as a fault with the reason, never skipped in silence; the rest
 * are all used (the version takes their mean per shard). A fetch that fails is not a reason to
 * leave a winner out: it throws, and the caller retries.
 */
import type { Address, Hex } from 'viem'
import { deltaBinding } from '../delta/binding.ts'
import { deltaCidOf } from '../delta/cid.ts'
import { decodeDelta, onChainDeltaFault } from '../delta/codec.ts'
import { deltaEncoding } from '../delta/taskEncoding.ts'
import { openDelta } from '../delta/seal.ts'
import { fingerprintDistance, taskFingerprint } from '../fingerprint.ts'
import { keccakBytes } from '../keccak.ts'
import type { TaskSpec } from '../taskSpec.ts'
import type { WeightLayout } from '../tensors.ts'
import { fingerprintHash } from './acceptedResults.ts'
import { resultClaim } from './challengeClaim.ts'

/**
 * The largest delta a fraud proof carries: its calldata stays under the 128 KiB that Ethereum
 * clients accept in one transaction. A larger one goes to the referee as a challenge.
 */
export const MAX_FRAUD_PROOF_BYTES = 96 * 1024

/** One winner's reveal, as the `Revealed` event states it. */
export interface RevealedCandidate {
  replica: number
  provider: Address
  deltaCid: Hex
  sealedCid: Hex
  salt: Hex
  fingerprint: readonly number[]
}

export interface DeltaFault {
  replica: number
  provider: Address
  deltaCid: Hex
  reason: string
  /** What this check found (`resultClaim`): what a challenge of the result claims. */
  claim: Hex
  /**
   * Set when the plaintext is the committed one and fails a check a contract can make alone (its
   * header or binding): what `proveInvalidDelta` needs, so no referee has to judge it.
   */
  proof?: FraudProof
}

/** A revealed plaintext delta that fails the on-chain checks, with the reveal it belongs to. */
export interface FraudProof {
  delta: Uint8Array
  fingerprintHash: Hex
}

export interface CheckedDelta {
  replica: number
  deltaCid: Hex
  /** The plaintext delta. */
  bytes: Uint8Array
  /** What this check found (`resultClaim`), as for a fault. */
  claim: Hex
}

export interface DeltaChecks {
  /** The winners whose bytes are what they committed and revealed, in replica order. */
  matching: CheckedDelta[]
  faults: DeltaFault[]
}

/** The shard attempt the candidates revealed for, and what checking them needs. */
export interface DeltaCheckContext {
  chainId: bigint | number
  verifier: Address
  taskId: bigint | number
  round: number
  shard: number
  attempt: number
  /** The attempt's fingerprint seed (`readFingerprintSeed`). */
  fingerprintSeed: number
  /** The fingerprint's settings, and the delta encoding every winner's bytes must have. */
  spec: Pick<TaskSpec, 'fingerprint' | 'delta'>
  layout: WeightLayout
  maxDeltaBytes: number
}

/**
 * The plaintext of `sealed` when it is the delta `candidate` committed and revealed; else why not.
 * Either way with the claim of what the check found (`resultClaim`).
 */
export async function openCandidate (sealed: Uint8Array, candidate: RevealedCandidate, c: DeltaCheckContext): Promise<{ bytes: Uint8Array, claim: Hex } | { reason: string, claim: Hex, proof?: FraudProof }> {
  let bytes: Uint8Array
  try {
    bytes = await openDelta(sealed, candidate.salt, { maxBytes: c.maxDeltaBytes })
  } catch (error) {
    return { reason: `its sealed delta ${candidate.sealedCid} does not open (${message(error)})`, claim: resultClaim(await keccakBytes(sealed)) }
  }
  const cid = await deltaCidOf(bytes)
  if (cid !== candidate.deltaCid.toLowerCase()) return { reason: `its sealed delta opens to ${cid}, not the committed ${candidate.deltaCid}`, claim: resultClaim(await keccakBytes(sealed)) }
  const invalid = resultClaim(await keccakBytes(bytes))
  const binding = deltaBinding({ chainId: c.chainId, verifier: c.verifier, taskId: c.taskId, round: c.round, shard: c.shard, attempt: c.attempt, provider: candidate.provider })
  const provable = onChainDeltaFault(bytes, binding)
  if (provable !== undefined) {
    const proof = bytes.length <= MAX_FRAUD_PROOF_BYTES ? { delta: bytes, fingerprintHash: fingerprintHash(candidate.fingerprint) } : undefined
    return { reason: `its bytes are not a valid delta of its own (${provable})`, claim: invalid, ...(proof === undefined ? {} : { proof }) }
  }
  let recomputed: Int32Array
  try {
    const delta = decodeDelta(bytes, { expected: c.layout, maxBytes: c.maxDeltaBytes, binding, encoding: deltaEncoding(c.spec) })
    recomputed = taskFingerprint(delta, c.spec, c.fingerprintSeed)
  } catch (error) {
    return { reason: `its bytes are not a valid delta of its own (${message(error)})`, claim: invalid }
  }
  const claim = resultClaim(await keccakBytes(bytes), fingerprintHash([...recomputed]))
  if (recomputed.length !== candidate.fingerprint.length) return { reason: `its fingerprint has ${recomputed.length} entries, the revealed one ${candidate.fingerprint.length}`, claim }
  const distance = fingerprintDistance(recomputed, Int32Array.from(candidate.fingerprint))
  return distance === 0 ? { bytes, claim } : { reason: `its bytes fingerprint ${distance} away from the fingerprint it revealed`, claim }
}

/** Checks every candidate (a shard attempt's winners); see the module comment. */
export async function checkWinners (
  candidates: readonly RevealedCandidate[],
  fetchSealed: (cid: Hex) => Promise<Uint8Array>,
  c: DeltaCheckContext
): Promise<DeltaChecks> {
  const result: DeltaChecks = { matching: [], faults: [] }
  for (const candidate of [...candidates].sort((a, b) => a.replica - b.replica)) {
    const opened = await openCandidate(await fetchSealed(candidate.sealedCid), candidate, c)
    if ('bytes' in opened) result.matching.push({ replica: candidate.replica, deltaCid: candidate.deltaCid.toLowerCase() as Hex, bytes: opened.bytes, claim: opened.claim })
    else result.faults.push({ replica: candidate.replica, provider: candidate.provider, deltaCid: candidate.deltaCid, reason: opened.reason, claim: opened.claim, ...(opened.proof === undefined ? {} : { proof: opened.proof }) })
  }
  return result
}

function message (error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
