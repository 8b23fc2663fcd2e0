/**
 * Which revealed delta a version uses for an accepted shard, checked against what its provider
 * revealed. A provider could reveal the honest fingerprint and pin other bytes (a sign-flipped or
 * scaled delta) under its CID; every recomputer would then aggregate those bytes as they are. So
 * each candidate's bytes are decoded and fingerprinted again before use: the shard's centre
 * replica first, then the other winners in replica order. The first whose bytes match its own
 * revealed fingerprint is used; every one that does not is reported as a fault, never skipped in
 * silence. A fetch that fails is not a reason to choose: it throws, and the caller retries.
 */
import type { Address, Hex } from 'viem'
import { decodeDelta } from '../delta/codec.ts'
import { fingerprint, fingerprintDistance, fingerprintSeed } from '../fingerprint.ts'
import type { TaskSpec } from '../taskSpec.ts'
import type { WeightLayout } from '../tensors.ts'

/**
 * How far the recomputed fingerprint of a delta may be from the one revealed for the same bytes:
 * 1, for `fp[0]`'s natural logarithm, whose last bit may differ between engines.
 */
export const SAME_BYTES_TOLERANCE = 1

export interface RevealedCandidate {
  replica: number
  provider: Address
  deltaCid: Hex
  fingerprint: readonly number[]
}

export interface DeltaFault {
  replica: number
  provider: Address
  deltaCid: Hex
  reason: string
}

export interface DeltaChoice {
  chosen?: { replica: number, deltaCid: Hex, bytes: Uint8Array }
  faults: DeltaFault[]
}

export interface DeltaCheckContext {
  spec: Pick<TaskSpec, 'seed' | 'fingerprint'>
  layout: WeightLayout
  round: number
  shard: number
  maxDeltaBytes: number
}

/** Why `bytes` are not the delta whose fingerprint was revealed, or undefined when they are. */
export function deltaMismatch (bytes: Uint8Array, revealed: readonly number[], c: DeltaCheckContext): string | undefined {
  let recomputed: Int32Array
  try {
    const delta = decodeDelta(bytes, { expected: c.layout, maxBytes: c.maxDeltaBytes })
    recomputed = fingerprint(delta, { length: c.spec.fingerprint.length, seed: fingerprintSeed(c.spec, c.round, c.shard), resolution: c.spec.fingerprint.resolution })
  } catch (error) {
    return `its bytes are not a valid delta (${error instanceof Error ? error.message : String(error)})`
  }
  if (recomputed.length !== revealed.length) return `its fingerprint has ${recomputed.length} entries, the revealed one ${revealed.length}`
  const distance = fingerprintDistance(recomputed, Int32Array.from(revealed))
  return distance > SAME_BYTES_TOLERANCE ? `its bytes fingerprint ${distance} away from the fingerprint it revealed` : undefined
}

/** Picks the shard's delta from `candidates` (centre first, then the other winners in replica order). */
export async function chooseDelta (
  candidates: readonly RevealedCandidate[],
  fetch: (cid: Hex) => Promise<Uint8Array>,
  c: DeltaCheckContext
): Promise<DeltaChoice> {
  const faults: DeltaFault[] = []
  for (const candidate of candidates) {
    const bytes = await fetch(candidate.deltaCid)
    const reason = deltaMismatch(bytes, candidate.fingerprint, c)
    if (reason === undefined) return { chosen: { replica: candidate.replica, deltaCid: candidate.deltaCid, bytes }, faults }
    faults.push({ replica: candidate.replica, provider: candidate.provider, deltaCid: candidate.deltaCid, reason })
  }
  return { faults }
}
