/**
 * The Byzantine updates of the simulator, as pure functions of plain weight sets: what an attacker
 * submits in place of the delta it should have computed. The wrappers that plug them into a
 * provider (its Trainer and ProviderChain) live in adversaries.ts.
 */
import { Rng } from '../../src/core/random.ts'
import { l2Norm, scaleWeights, zerosLike, type WeightSet } from '../../src/core/tensors.ts'
import { errorKind } from '../../src/core/errors.ts'

export const ATTACKS = ['noise', 'signflip', 'alie', 'ipm', 'copy', 'lazy', 'noshow', 'withhold', 'junk', 'poison', 'sniff', 'stale'] as const
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
