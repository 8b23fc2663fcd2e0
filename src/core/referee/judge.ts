/**
 * The referee's verdict on a split shard, from what it found: for each revealed replica, whether
 * its bytes are what it committed and revealed (core/version/deltaCheck.ts), and how far its
 * revealed fingerprint is from the referee's own re-execution of the shard. The referee trains on
 * the CPU while providers train on GPUs, WebGL or WASM, so honest fingerprints differ from its own
 * by float noise: a replica within the task's tolerance plus `margin` wins; one beyond it, or whose
 * bytes do not match its reveal, is slashed. When no replica agrees with the re-execution the
 * referee cannot tell an honest replica from a cheat (its own run may be what is off), so it
 * abstains unless every replica is caught by its bytes: the shard's deadline then lapses, nobody is
 * slashed and the shard runs again.
 */
import type { Address } from 'viem'
import { fingerprintDistance } from '../fingerprint.ts'

export interface RevealedReplica {
  replica: number
  provider: Address
  fingerprint: readonly number[]
}

export interface JudgedReplica {
  replica: number
  provider: Address
  /** L-infinity distance from the referee's fingerprint (absent when its bytes were faulty) */
  distance?: number
  /** why it is slashed; absent for a winner */
  fault?: string
}

export type SplitVerdict =
  | { kind: 'verdict', winnersMask: number, replicas: JudgedReplica[] }
  | { kind: 'abstain', reason: string, replicas: JudgedReplica[] }

export interface JudgeInput {
  revealed: readonly RevealedReplica[]
  /** replica → why its bytes are not what it committed and revealed */
  byteFaults: ReadonlyMap<number, string>
  /** the referee's own fingerprint of the shard, under the attempt's seed */
  reference: readonly number[]
  tolerance: number
  margin: number
}

export function judgeSplit (input: JudgeInput): SplitVerdict {
  const limit = input.tolerance + input.margin
  const reference = Int32Array.from(input.reference)
  const replicas: JudgedReplica[] = [...input.revealed].sort((a, b) => a.replica - b.replica).map((r) => {
    const byteFault = input.byteFaults.get(r.replica)
    if (byteFault !== undefined) return { replica: r.replica, provider: r.provider, fault: `its delta is not what it revealed: ${byteFault}` }
    const distance = fingerprintDistance(Int32Array.from(r.fingerprint), reference)
    if (distance <= limit) return { replica: r.replica, provider: r.provider, distance }
    return { replica: r.replica, provider: r.provider, distance, fault: `its fingerprint is ${distance} from the re-execution's, beyond the tolerance ${input.tolerance} plus the margin ${input.margin}` }
  })
  const winnersMask = replicas.reduce((mask, r) => (r.fault === undefined ? mask | (1 << r.replica) : mask), 0)
  if (winnersMask === 0 && replicas.some((r) => r.distance !== undefined)) {
    return { kind: 'abstain', reason: 'no revealed fingerprint agrees with the re-execution', replicas }
  }
  return { kind: 'verdict', winnersMask, replicas }
}
