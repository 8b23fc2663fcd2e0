import { canonicalOrder, medianOf, type Contribution } from './aggregate.ts'
import type { ValidationSpec } from './taskSpec.ts'
import { firstNonFinite, l2Norm, layoutMismatch, type WeightLayout, type WeightSet } from './tensors.ts'

/**
 * The checks a delta passes before it counts: the model's shapes, finite values and a bounded
 * norm. A failed check is grounds for slashing, so a verdict says which check failed and why.
 */
export type DeltaVerdict =
  | { ok: true, norm: number }
  | { ok: false, reason: 'layout' | 'non-finite' | 'norm', message: string }

export function validateDelta (delta: WeightSet, opts: { layout: WeightLayout, maxNorm?: number }): DeltaVerdict {
  const problem = layoutMismatch(delta, opts.layout)
  if (problem !== null) return { ok: false, reason: 'layout', message: problem }
  const bad = firstNonFinite(delta)
  if (bad !== null) {
    const value = delta.find(({ name }) => name === bad.name)!.values[bad.index]
    return { ok: false, reason: 'non-finite', message: `non-finite value ${value} in tensor "${bad.name}" at index ${bad.index}` }
  }
  const norm = l2Norm(delta)
  if (opts.maxNorm !== undefined && norm > opts.maxNorm) {
    return { ok: false, reason: 'norm', message: `norm ${norm.toPrecision(6)} exceeds the bound ${opts.maxNorm.toPrecision(6)}` }
  }
  return { ok: true, norm }
}

/** The round's norm bound: the spec's absolute bound, or `maxNormToMedian` x the median norm if smaller. */
export function roundNormBound (norms: readonly number[], spec: ValidationSpec): number {
  const relative = norms.length === 0 ? Number.POSITIVE_INFINITY : spec.maxNormToMedian * medianOf(norms)
  return Math.min(spec.maxDeltaNorm ?? Number.POSITIVE_INFINITY, relative)
}

export interface RoundValidation {
  /** The norm bound the round's deltas were held to. */
  bound: number
  /** Every contribution's verdict, by id. */
  verdicts: Map<string, DeltaVerdict>
  /** The contributions that passed, in the order given. */
  accepted: Contribution[]
}

/**
 * Validates a round's deltas together: the median norm is taken over the deltas with the right
 * shapes and finite values, so malformed ones cannot drag the bound.
 */
export function validateRound (contributions: readonly Contribution[], layout: WeightLayout, spec: ValidationSpec): RoundValidation {
  canonicalOrder(contributions) // throws on a duplicate id, which would hide a verdict
  const verdicts = new Map<string, DeltaVerdict>()
  for (const { id, delta } of contributions) verdicts.set(id, validateDelta(delta, { layout }))
  const norms = [...verdicts.values()].flatMap((verdict) => (verdict.ok ? [verdict.norm] : []))
  const bound = roundNormBound(norms, spec)
  for (const [id, verdict] of verdicts) {
    if (verdict.ok && verdict.norm > bound) {
      verdicts.set(id, { ok: false, reason: 'norm', message: `norm ${verdict.norm.toPrecision(6)} exceeds the round's bound ${bound.toPrecision(6)}` })
    }
  }
  const accepted = contributions.filter(({ id }) => verdicts.get(id)?.ok === true)
  return { bound, verdicts, accepted }
}
