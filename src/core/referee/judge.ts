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
import type { Address, Hex } from 'viem'
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
  /** what checking its bytes found (`resultClaim`): a rightful challenger of it claimed the same */
  claim?: Hex
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

export type AuditOutcome =
  | { kind: 'audit', winnersMask: number, slashedMask: number }
  | { kind: 'abstain', reason: string }

/**
 * The referee's finding on an accepted shard, from the judgement its split rule gives the attempt:
 * the winners found at fault are slashed. Two colluders drawn onto one shard agree with each other
 * and both disagree with the re-execution, which alone proves nothing (the referee's run may be
 * what is off), so that abstention stands until the referee is `calibrated`: its runs of the same
 * task agreed with some revealed replica before, so they are not off, and the winners are wrong.
 */
export function judgeAudit (verdict: SplitVerdict, winnersMask: number, calibrated: boolean): AuditOutcome {
  if (verdict.kind === 'abstain' && !calibrated) return { kind: 'abstain', reason: verdict.reason }
  const atFault = verdict.replicas.reduce((mask, r) => (r.fault === undefined ? mask : mask | (1 << r.replica)), 0)
  return { kind: 'audit', winnersMask, slashedMask: winnersMask & atFault }
}

/** Whether a judgement shows the referee's run agreeing with some revealed replica. */
export function agreesWithSome (verdict: SplitVerdict): boolean {
  return verdict.replicas.some((r) => r.fault === undefined && r.distance !== undefined)
}
