/**
 * Error feedback for lossy deltas, as pure accounting: a provider keeps a residual r (what its
 * payloads have left out so far), compresses c = delta + r instead of the delta, and once the round
 * is settled keeps r' = c - applied, where `applied` is what the network's version took in for that
 * shard. Summed over rounds, applied payloads plus the last residual equal the true deltas (plus
 * the first residual), up to float32 rounding: nothing the compressor drops is lost, only late.
 *
 * `applied` is the accepted payload, not the provider's own: the mean of the shard's winners'
 * decoded payloads (`appliedPayload`, the shard mean of protocol section 10 step 5), or nothing
 * when the shard did not count. Two replicas that entered a round with the same residual then
 * leave it with residuals that differ only by the float noise between their deltas, where
 * accounting against their own payloads would add every top-k pick on which they differ. This does
 * not make replicas agree whose residuals come from different histories (different shards in
 * earlier rounds): see protocol section 8, "Error feedback and redundancy", and the measurements
 * in errorFeedback.test.ts.
 */
import { aggregate, type AggregationRule, type Contribution } from '../aggregate.ts'
import { addWeights, subtractWeights, type WeightSet } from '../tensors.ts'

const MEAN: AggregationRule = { rule: 'mean', trimFraction: 0, clipIterations: 1 }

/** What to compress this round: delta + residual (the delta itself before the first round). */
export function compensate (delta: WeightSet, residual: WeightSet | undefined): WeightSet {
  return residual === undefined ? delta : addWeights(delta, residual)
}

/**
 * What the version applied for one shard, from its winners' decoded payloads that counted (their
 * ids as the version computes them): their mean, or undefined when none counted.
 */
export function appliedPayload (counted: readonly Contribution[]): WeightSet | undefined {
  if (counted.length === 0) return undefined
  return counted.length === 1 ? counted[0]!.delta : aggregate(counted, MEAN)
}

/**
 * The residual after a round: what was compressed minus what was applied; all of it when nothing
 * was applied (the shard was not accepted, or its deltas were refused).
 */
export function nextResidual (compensated: WeightSet, applied: WeightSet | undefined): WeightSet {
  return applied === undefined ? compensated : subtractWeights(compensated, applied)
}
