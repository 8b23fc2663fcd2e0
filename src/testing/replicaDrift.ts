/**
 * A small synthetic experiment on error feedback against redundancy (protocol section 8): rounds of
 * shards, each trained by two replicas whose deltas differ only by float noise, compressed with a
 * task's codec, with or without error feedback. It measures how far co-replicas' payloads and
 * residuals drift apart, and how much of the true deltas the applied payloads carry. Used by
 * errorFeedback.test.ts and `node/bench/deltaCodec.ts`; nothing here is protocol.
 */
import { decodeDelta, encodeDelta, type ResolvedEncoding } from '../core/delta/codec.ts'
import { appliedPayload, compensate, nextResidual } from '../core/delta/errorFeedback.ts'
import { fingerprint, fingerprintDistance } from '../core/fingerprint.ts'
import { Rng } from '../core/random.ts'
import { addWeights, l2Norm, subtractWeights, zerosLike, type WeightLayout, type WeightSet } from '../core/tensors.ts'
import { randomWeights } from './randomWeights.ts'

export type Accounting = 'none' | 'own' | 'accepted'

export interface DriftOptions {
  layout: WeightLayout
  encoding: ResolvedEncoding
  rounds: number
  shards: number
  /** error feedback: none, residual against the replica's own payload, or against the accepted one (the shard mean) */
  accounting: Accounting
  /** stable: the same two providers replicate a shard every round; redrawn: a fresh random draw each round */
  groups: 'stable' | 'redrawn'
  /** relative float noise between replicas' deltas, per value */
  noise: number
  /** weight of the direction every round shares (the rest is fresh per shard and round) */
  persistent: number
  seed: number
}

export interface DriftRound {
  /** mean over shards: the fraction of replica A's kept positions that replica B did not keep */
  pickDisagreement: number
  /** mean over shards: |r_A - r_B| / |r_A| after the round (0 without error feedback) */
  residualDrift: number
  /** max over shards: fingerprint distance between the replicas' decoded payloads (k = 32, R = 2^16) */
  fingerprintDistance: number
}

export interface DriftResult {
  rounds: DriftRound[]
  /** |sum of true shard deltas - sum of applied payloads| / |sum of true shard deltas| */
  lost: number
  /** |sum applied + sum of last residuals / 2 - sum true| / |sum true|: the accounting identity's error */
  accountingError: number
}

/** `rounds` rounds of the experiment; deterministic in `seed`. */
export function replicaDrift (o: DriftOptions): DriftResult {
  const rng = new Rng(o.seed)
  const providers = 2 * o.shards
  const residuals: Array<WeightSet | undefined> = Array.from({ length: providers }, () => undefined)
  const direction = randomWeights(rng.nextUint32(), o.layout)
  let trueSum = zerosLike(direction)
  let appliedSum = zerosLike(direction)
  const rounds: DriftRound[] = []
  const order = Array.from({ length: providers }, (_, i) => i)
  for (let t = 0; t < o.rounds; t++) {
    if (o.groups === 'redrawn') shuffle(order, rng)
    let disagreement = 0
    let drift = 0
    let distance = 0
    for (let s = 0; s < o.shards; s++) {
      const fresh = randomWeights(rng.nextUint32(), o.layout)
      const delta = fresh.map((tensor, i) => ({ ...tensor, values: tensor.values.map((v, j) => v + o.persistent * direction[i]!.values[j]!) }))
      trueSum = addWeights(trueSum, delta)
      const replicas = [order[2 * s]!, order[2 * s + 1]!].map((provider) => {
        const own = withNoise(delta, o.noise, rng)
        const compressed = compensate(own, o.accounting === 'none' ? undefined : residuals[provider])
        const payload = decodeDelta(encodeDelta(compressed, o.encoding), { expected: o.layout, maxBytes: 1 << 30 })
        return { provider, compressed, payload }
      })
      const applied = appliedPayload(replicas.map((r, i) => ({ id: `${s}:${i}`, delta: r.payload }))) as WeightSet
      appliedSum = addWeights(appliedSum, applied)
      for (const r of replicas) {
        if (o.accounting !== 'none') residuals[r.provider] = nextResidual(r.compressed, o.accounting === 'own' ? r.payload : applied)
      }
      const [a, b] = replicas as [typeof replicas[0], typeof replicas[0]]
      disagreement += pickDisagreement(a.payload, b.payload)
      const ra = residuals[a.provider]
      const rb = residuals[b.provider]
      if (ra !== undefined && rb !== undefined) drift += l2Norm(subtractWeights(ra, rb)) / l2Norm(ra)
      const seed = rng.nextUint32()
      const sketch = (d: WeightSet): Int32Array => fingerprint(d, { length: 32, seed, resolution: 1 << 16 })
      distance = Math.max(distance, fingerprintDistance(sketch(a.payload), sketch(b.payload)))
    }
    rounds.push({ pickDisagreement: disagreement / o.shards, residualDrift: drift / o.shards, fingerprintDistance: distance })
  }
  const trueNorm = l2Norm(trueSum)
  let carried = appliedSum
  for (const r of residuals) if (r !== undefined) carried = addWeights(carried, r.map((t) => ({ ...t, values: t.values.map((v) => v / 2) })))
  return { rounds, lost: l2Norm(subtractWeights(trueSum, appliedSum)) / trueNorm, accountingError: l2Norm(subtractWeights(trueSum, carried)) / trueNorm }
}

function withNoise (delta: WeightSet, noise: number, rng: Rng): WeightSet {
  if (noise === 0) return delta
  return delta.map((tensor) => ({ ...tensor, values: tensor.values.map((v) => v * (1 + noise * rng.nextNormal())) }))
}

function pickDisagreement (a: WeightSet, b: WeightSet): number {
  let kept = 0
  let missed = 0
  a.forEach((tensor, t) => {
    tensor.values.forEach((v, i) => {
      if (v === 0) return
      kept++
      if (b[t]!.values[i] === 0) missed++
    })
  })
  return kept === 0 ? 0 : missed / kept
}

function shuffle (order: number[], rng: Rng): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.nextInt(i + 1)
    const swap = order[i]!
    order[i] = order[j]!
    order[j] = swap
  }
}
