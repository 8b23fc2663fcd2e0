import { describe, expect, it } from 'vitest'
import { Rng } from '../random.ts'
import { addWeights, l2Norm, subtractWeights, zerosLike, type WeightLayout, type WeightSet } from '../tensors.ts'
import { randomWeights } from '../../testing/randomWeights.ts'
import { replicaDrift, type DriftOptions } from '../../testing/replicaDrift.ts'
import { decodeDelta, encodeDelta, resolveEncoding } from './codec.ts'
import { appliedPayload, compensate, nextResidual } from './errorFeedback.ts'

const LAYOUT: WeightLayout = [{ name: 'w', shape: [96, 128] }, { name: 'b', shape: [128] }, { name: 'v', shape: [128, 40] }]
const encoding = resolveEncoding({ scheme: 'topk', chunkSize: 1024, topK: 10, bits: 2 })
const payloadOf = (set: WeightSet): WeightSet => decodeDelta(encodeDelta(set, encoding), { expected: LAYOUT, maxBytes: 1 << 24 })

describe('error feedback accounting', () => {
  it('starts from the delta and carries everything when nothing was applied', () => {
    const delta = randomWeights(1, LAYOUT)
    expect(compensate(delta, undefined)).toBe(delta)
    expect(nextResidual(delta, undefined)).toBe(delta)
    expect(appliedPayload([])).toBeUndefined()
    const residual = randomWeights(2, LAYOUT)
    expect(compensate(delta, residual)).toEqual(addWeights(delta, residual))
  })

  it('the applied payload of a shard with several winners is their mean, whatever order they come in', () => {
    const a = payloadOf(randomWeights(3, LAYOUT))
    const b = payloadOf(randomWeights(4, LAYOUT))
    const mean = appliedPayload([{ id: '00001:0xb', delta: b }, { id: '00001:0xa', delta: a }])!
    expect(mean).toEqual(appliedPayload([{ id: '00001:0xa', delta: a }, { id: '00001:0xb', delta: b }]))
    expect(mean[0]!.values[7]).toBe(Math.fround((a[0]!.values[7]! + b[0]!.values[7]!) / 2))
    expect(appliedPayload([{ id: 'x', delta: a }])).toBe(a)
  })

  it('loses nothing: the applied payloads of every round plus the last residual add up to the true deltas', () => {
    const rng = new Rng(11)
    let residual: WeightSet | undefined
    let truth = zerosLike(randomWeights(0, LAYOUT))
    let applied = truth
    for (let round = 0; round < 12; round++) {
      const delta = randomWeights(rng.nextUint32(), LAYOUT, 1e-3)
      truth = addWeights(truth, delta)
      const compressed = compensate(delta, residual)
      const own = payloadOf(compressed)
      // Some rounds the shard is not accepted; some it has a second winner whose payload differs.
      const outcome = round % 4 === 3 ? undefined : round % 2 === 0 ? own : appliedPayload([{ id: 'a', delta: own }, { id: 'b', delta: payloadOf(randomWeights(rng.nextUint32(), LAYOUT, 1e-3)) }])
      if (outcome !== undefined) applied = addWeights(applied, outcome)
      residual = nextResidual(compressed, outcome)
    }
    const carried = addWeights(applied, residual!)
    expect(l2Norm(subtractWeights(carried, truth)) / l2Norm(truth)).toBeLessThan(1e-6)
    // Without the residual the applied payloads miss most of the truth: top-k at 1% keeps little each round.
    expect(l2Norm(subtractWeights(applied, truth)) / l2Norm(truth)).toBeGreaterThan(0.5)
  })
})

/**
 * The measurements behind protocol section 8's choice (the same experiment at a larger size:
 * `npm run bench -- deltaCodec`). Replicas' deltas differ by relative float noise 1e-4.
 */
describe('error feedback against redundancy (synthetic rounds, two replicas per shard)', () => {
  const base: DriftOptions = { layout: LAYOUT, encoding, rounds: 8, shards: 2, accounting: 'none', groups: 'stable', noise: 1e-4, persistent: 0.5, seed: 3 }
  const none = replicaDrift(base)
  const own = replicaDrift({ ...base, accounting: 'own' })
  const accepted = replicaDrift({ ...base, accounting: 'accepted' })
  const redrawn = replicaDrift({ ...base, accounting: 'accepted', groups: 'redrawn' })
  const mean = (rounds: typeof none.rounds, key: 'pickDisagreement' | 'residualDrift'): number => rounds.reduce((n, r) => n + r[key], 0) / rounds.length

  it('residuals against the accepted payload stay as close as the replicas\' float noise; against their own payloads they drift', () => {
    expect(accepted.rounds.at(-1)!.residualDrift).toBeLessThan(5e-4)
    expect(own.rounds.at(-1)!.residualDrift).toBeGreaterThan(20 * accepted.rounds.at(-1)!.residualDrift)
    expect(mean(accepted.rounds, 'pickDisagreement')).toBeLessThan(0.01)
    expect(mean(own.rounds, 'pickDisagreement')).toBeGreaterThan(mean(accepted.rounds, 'pickDisagreement'))
  })

  it('error feedback carries what top-k drops, and its accounting identity holds in every variant', () => {
    expect(accepted.lost).toBeLessThan(none.lost - 0.1)
    for (const r of [own, accepted, redrawn]) expect(r.accountingError).toBeLessThan(1e-3)
  })

  it('with replicas redrawn every round (the protocol\'s draw) residuals from other histories make payloads unrelated', () => {
    expect(mean(redrawn.rounds, 'pickDisagreement')).toBeGreaterThan(0.3)
    expect(Math.max(...redrawn.rounds.slice(1).map((r) => r.fingerprintDistance))).toBeGreaterThan(65_536)
    // Without error feedback the same redraws change nothing: replicas differ by their float noise only.
    expect(mean(none.rounds, 'pickDisagreement')).toBeLessThan(0.01)
  })
})
