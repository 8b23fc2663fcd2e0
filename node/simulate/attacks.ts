/**
 * The Byzantine updates of the simulator, as pure functions of plain weight sets: what an attacker
 * submits in place of the delta it should have computed. The wrappers that plug them into a
 * provider (its Trainer and ProviderChain) live in adversaries.ts.
 */
import { counterHash, Rng } from '../../src/core/random.ts'
import { l2Norm, scaleWeights, subtractWeights, zerosLike, type WeightSet } from '../../src/core/tensors.ts'
import { errorKind } from '../../src/core/errors.ts'

export const ATTACKS = [
  'noise', 'signflip', 'alie', 'ipm', 'copy', 'lazy', 'noshow', 'withhold', 'junk', 'poison', 'sniff', 'stale',
  'sketch', 'sybilchallenge', 'spam', 'sybil', 'collude'
] as const
export type Attack = typeof ATTACKS[number]

/** The attacks that never train: whatever they earn is another provider's work. */
export const FREE_RIDERS: ReadonlySet<Attack> = new Set(['copy', 'lazy', 'sniff', 'noshow', 'junk'])

export class AttackInputError extends errorKind('ATTACK_INPUT') {
  override name = 'AttackInputError'
}

/** Gaussian noise rescaled to `norm` (the honest delta's L2 norm): as large as an honest update, pointing nowhere. */
export function noiseDelta (honest: WeightSet, norm: number, seed: number): WeightSet {
  const rng = new Rng(seed)
  const gaussian = (): number => {
    // Box-Muller; 1 - u keeps the log finite
    const u = 1 - rng.nextFloat()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.nextFloat())
  }
  const noise = honest.map((t) => ({ name: t.name, shape: [...t.shape], values: Float32Array.from(t.values, gaussian) }))
  const n = l2Norm(noise)
  return n === 0 ? noise : scaleWeights(noise, norm / n)
}

/** The honest update with its sign flipped. */
export function signFlipDelta (honest: WeightSet): WeightSet {
  return scaleWeights(honest, -1)
}

/** Inner product manipulation (Xie et al. 2019): -epsilon times the mean of the honest updates. */
export function ipmDelta (honest: readonly WeightSet[], epsilon: number): WeightSet {
  if (!(epsilon > 0)) throw new AttackInputError(`ipm: epsilon must be positive, got ${epsilon}`)
  return scaleWeights(meanOf(honest), -epsilon)
}

/**
 * "A Little Is Enough" (Baruch et al. 2019): z_max = Phi^-1((n - s) / n) with
 * s = floor(n / 2 + 1) - f, the largest shift that still keeps the attackers inside the spread
 * that s honest workers show. `n` workers, `f` of them Byzantine.
 */
export function alieZ (n: number, f: number): number {
  if (!(Number.isInteger(n) && Number.isInteger(f) && n >= 1 && f >= 0 && f <= n)) throw new AttackInputError(`alie: need integers 0 <= f <= n, n >= 1; got n=${n}, f=${f}`)
  const s = Math.floor(n / 2 + 1) - f
  const p = (n - s) / n
  // p outside (0, 1) has no quantile: clamp to a finite z
  return inverseNormalCdf(Math.min(Math.max(p, 1e-6), 1 - 1e-6))
}

/** ALIE's update: per coordinate, mean - z * std of the honest updates the colluders computed. */
export function alieDelta (honest: readonly WeightSet[], z: number): WeightSet {
  const mean = meanOf(honest)
  return mean.map((t, k) => {
    const values = new Float32Array(t.values.length)
    for (let i = 0; i < values.length; i++) {
      let sq = 0
      for (const h of honest) {
        const d = h[k]!.values[i]! - t.values[i]!
        sq += d * d
      }
      values[i] = t.values[i]! - z * Math.sqrt(sq / honest.length)
    }
    return { name: t.name, shape: [...t.shape], values }
  })
}

/** The lazy provider's update: the zero delta, or the stale one it submitted before. */
export function lazyDelta (honest: WeightSet, stale?: WeightSet): WeightSet {
  return stale ?? zerosLike(honest)
}

/** A junk reveal: uniform int32 entries, as far from any trained delta's sketch as chance puts them. */
export function junkFingerprint (length: number, seed: number): Int32Array {
  const rng = new Rng(seed)
  return Int32Array.from({ length }, () => rng.nextUint32() | 0)
}

/**
 * What a stale proposer sends when round `round` is decided on top of a head whose parent is
 * `headParent`: the round's content on that older parent (undoing the last version), and, past
 * round 0, a replay of the previous round's proposal.
 */
export function staleProposals (round: number, headParent: bigint): Array<{ round: number, parent: bigint }> {
  return [{ round, parent: headParent }, ...(round > 0 ? [{ round: round - 1, parent: headParent }] : [])]
}

/** A sealed delta announced on the task's gossip (its CID as on chain, 0x-hex). */
export interface DeltaAnnouncement {
  cid: string
  round: number
  shard: number
}

/** The sniffer's pick: the latest sealed delta announced for the shard that is not its own. */
export function sniffTarget (seen: readonly DeltaAnnouncement[], round: number, shard: number, own: string): string | undefined {
  return seen.findLast((a) => a.round === round && a.shard === shard && a.cid !== own)?.cid
}

/**
 * A delta with the honest delta's sketch under `seed` (the same norm and the same projections) that
 * points the other way: the honest delta's component inside the span of the sketch's sign vectors
 * is kept and the rest (nearly all of it) is negated, so the perturbation -2 x (that rest) lies in
 * the projection's null space. It keeps the sketch only under the seed it was built for.
 */
export function sketchPreservingDelta (honest: WeightSet, seed: number, length: number): WeightSet {
  const x = Float64Array.from(honest.flatMap((t) => Array.from(t.values)))
  const signs = signVectors(x.length, seed, length - 1)
  const gram = signs.map((a) => signs.map((b) => dot(a, b)))
  const coefficients = solve(gram, signs.map((s) => dot(s, x)))
  const inside = new Float64Array(x.length)
  signs.forEach((s, j) => { for (let e = 0; e < x.length; e++) inside[e] = inside[e]! + coefficients[j]! * s[e]! })
  let offset = 0
  return honest.map((t) => {
    const values = Float32Array.from(t.values, (_, i) => 2 * inside[offset + i]! - x[offset + i]!)
    offset += t.values.length
    return { name: t.name, shape: [...t.shape], values }
  })
}

/** The fingerprint's ±1 projection vectors under `seed` (src/core/fingerprint.ts, bit set: -1). */
function signVectors (size: number, seed: number, projections: number): Float64Array[] {
  const signs = Array.from({ length: projections }, () => new Float64Array(size))
  for (let e = 0; e < size; e++) {
    let word = counterHash(seed, 2 * e)
    for (let j = 0; j < projections; j++) {
      if (j === 32) word = counterHash(seed, 2 * e + 1)
      signs[j]![e] = ((word >>> (j & 31)) & 1) === 1 ? -1 : 1
    }
  }
  return signs
}

function dot (a: Float64Array, b: Float64Array): number {
  let sum = 0
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!
  return sum
}

/** Gaussian elimination with partial pivoting (the small Gram system of the sign vectors). */
function solve (matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length
  const m = matrix.map((row, i) => [...row, rhs[i]!])
  for (let col = 0; col < n; col++) {
    const pivot = m.slice(col).reduce((best, row, i) => (Math.abs(row[col]!) > Math.abs(m[best]![col]!) ? col + i : best), col)
    ;[m[col], m[pivot]] = [m[pivot]!, m[col]!]
    for (let row = 0; row < n; row++) {
      if (row === col) continue
      const factor = m[row]![col]! / m[col]![col]!
      for (let k = col; k <= n; k++) m[row]![k] = m[row]![k]! - factor * m[col]![k]!
    }
  }
  return m.map((row, i) => row[n]! / row[i]!)
}

/**
 * The colluders' version: the round's update reversed, `parent - (honest - parent)`, with the
 * honest version's momentum, so that only the weights betray it.
 */
export function reversedModel (parent: WeightSet, honest: WeightSet): WeightSet {
  return subtractWeights(parent, subtractWeights(honest, parent))
}

/** Whether at least two of the whale's accounts were drawn onto one shard attempt (they then outvote an honest replica). */
export function coAssigned (drawn: readonly string[], whale: ReadonlySet<string>): boolean {
  return drawn.filter((p) => whale.has(p.toLowerCase())).length >= 2
}

/** A result slot on chain. */
export interface ResultSlot {
  round: number
  shard: number
  attempt: number
  replica: number
  provider: string
}

/** What a Sybil challenger targets next: results of providers outside the ring it has not challenged yet. */
export function griefTargets (slots: readonly ResultSlot[], ring: ReadonlySet<string>, done: (key: string) => boolean): ResultSlot[] {
  return slots.filter((s) => !ring.has(s.provider.toLowerCase()) && !done(slotKey(s)))
}

export const slotKey = (s: Omit<ResultSlot, 'provider'>): string => `${s.round}/${s.shard}/${s.attempt}/${s.replica}`

export function meanOf (sets: readonly WeightSet[]): WeightSet {
  const [first] = sets
  if (first === undefined) throw new AttackInputError('need at least one honest update')
  return first.map((t, k) => {
    const values = new Float32Array(t.values.length)
    for (let i = 0; i < values.length; i++) {
      let sum = 0
      for (const s of sets) sum += s[k]!.values[i]!
      values[i] = sum / sets.length
    }
    return { name: t.name, shape: [...t.shape], values }
  })
}

/** Acklam's rational approximation of the standard normal quantile (relative error < 1.2e-9). */
export function inverseNormalCdf (p: number): number {
  if (!(p > 0 && p < 1)) throw new AttackInputError(`the normal quantile needs 0 < p < 1, got ${p}`)
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239]
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1]
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783]
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
  }
  if (p > 1 - low) return -inverseNormalCdf(1 - p)
  const q = p - 0.5
  const r = q * q
  return (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
}
