import { describe, expect, it } from 'vitest'
import { l2Norm, type WeightSet } from '../../src/core/tensors.ts'
import { fingerprint, fingerprintDistance } from '../../src/core/fingerprint.ts'
import { Rng } from '../../src/core/random.ts'
import {
  alieDelta, alieZ, AttackInputError, coAssigned, griefTargets, inverseNormalCdf, ipmDelta, junkFingerprint, lazyDelta, meanOf, noiseDelta, reversedModel,
  signFlipDelta, sketchPreservingDelta, sniffTarget, staleProposals
} from './attacks.ts'
import { Collusion } from './adversaries.ts'

const set = (...values: number[]): WeightSet => [{ name: 'w', shape: [values.length], values: Float32Array.from(values) }]
const vals = (s: WeightSet): number[] => Array.from(s[0]!.values)

describe('attack math', () => {
  it('flips the sign and scales the mean for IPM', () => {
    expect(vals(signFlipDelta(set(1, -2, 0.5)))).toEqual([-1, 2, -0.5])
    expect(vals(ipmDelta([set(1, 2), set(3, 4)], 0.5))).toEqual([-1, -1.5])
    expect(() => ipmDelta([set(1)], 0)).toThrow(AttackInputError)
  })

  it('draws noise with the honest norm, reproducibly', () => {
    const honest = set(3, 4, 0, 0)
    const a = noiseDelta(honest, l2Norm(honest), 7)
    expect(l2Norm(a)).toBeCloseTo(5, 4)
    expect(vals(a)).toEqual(vals(noiseDelta(honest, 5, 7)))
    expect(vals(a)).not.toEqual(vals(noiseDelta(honest, 5, 8)))
  })

  it('computes the ALIE z from the paper and shifts the mean by z standard deviations', () => {
    expect(inverseNormalCdf(0.5)).toBeCloseTo(0, 9)
    expect(inverseNormalCdf(0.975)).toBeCloseTo(1.959964, 5)
    expect(inverseNormalCdf(0.01)).toBeCloseTo(-2.326348, 5)
    // n = 50, f = 12 (the paper's setting): s = 26 - 12 = 14, z = Phi^-1(36/50) ~ 0.58
    expect(alieZ(50, 12)).toBeCloseTo(0.5828, 3)
    expect(() => alieZ(4, 5)).toThrow(AttackInputError)
    // mean 2, std 1 per coordinate
    expect(vals(alieDelta([set(1, 0), set(3, 0)], 1.5))).toEqual([0.5, 0])
  })

  it('submits zero, then the stale delta, when lazy', () => {
    expect(vals(lazyDelta(set(1, 2)))).toEqual([0, 0])
    expect(vals(lazyDelta(set(1, 2), set(5, 6)))).toEqual([5, 6])
    expect(vals(meanOf([set(1), set(2), set(6)]))).toEqual([3])
  })

  it('reveals junk: int32 entries of the asked length, reproducible per seed', () => {
    const junk = junkFingerprint(16, 42)
    expect(junk).toHaveLength(16)
    expect(Array.from(junk)).toEqual(Array.from(junkFingerprint(16, 42)))
    expect(Array.from(junk)).not.toEqual(Array.from(junkFingerprint(16, 43)))
    // spread over the whole int32 range, far beyond any tolerance
    expect(Math.max(...junk.map(Math.abs))).toBeGreaterThan(2 ** 24)
  })

  it('proposes stale: the round on the head\'s parent, and past round 0 the previous round too', () => {
    expect(staleProposals(0, 0n)).toEqual([{ round: 0, parent: 0n }])
    expect(staleProposals(2, 7n)).toEqual([{ round: 2, parent: 7n }, { round: 1, parent: 7n }])
  })

  it('sniffs the latest delta announced for its shard that is not its own', () => {
    const seen = [
      { cid: '0xa', round: 1, shard: 0 },
      { cid: '0xb', round: 1, shard: 1 },
      { cid: '0xown', round: 1, shard: 0 },
      { cid: '0xc', round: 1, shard: 0 },
      { cid: '0xd', round: 2, shard: 0 }
    ]
    expect(sniffTarget(seen, 1, 0, '0xown')).toBe('0xc')
    expect(sniffTarget(seen.slice(0, 3), 1, 0, '0xown')).toBe('0xa')
    expect(sniffTarget(seen, 3, 0, '0xown')).toBeUndefined()
  })

  it('crafts a reversed delta that keeps the honest sketch under the seed it guessed, and only under it', () => {
    const rng = new Rng(5)
    const honest: WeightSet = [
      { name: 'a', shape: [40, 30], values: Float32Array.from({ length: 1200 }, () => rng.nextFloat() - 0.5) },
      { name: 'b', shape: [30], values: Float32Array.from({ length: 30 }, () => rng.nextFloat() - 0.5) }
    ]
    const crafted = sketchPreservingDelta(honest, 11, 16)
    const fp = (d: WeightSet, seed: number): Int32Array => fingerprint(d, { length: 16, seed })
    // float32 rounding of the crafted values only: far inside the default tolerance (2^11)
    expect(fingerprintDistance(fp(crafted, 11), fp(honest, 11))).toBeLessThan(64)
    expect(fingerprintDistance(fp(crafted, 12), fp(honest, 12))).toBeGreaterThan(2 ** 13)
    expect(l2Norm(crafted)).toBeCloseTo(l2Norm(honest), 3)
    const flat = (d: WeightSet): number[] => d.flatMap((t) => Array.from(t.values))
    const cosine = flat(crafted).reduce((s, v, i) => s + v * flat(honest)[i]!, 0) / (l2Norm(crafted) * l2Norm(honest))
    expect(cosine).toBeLessThan(-0.9)
    expect(crafted.map((t) => [t.name, t.shape])).toEqual([['a', [40, 30]], ['b', [30]]])
  })

  it('reverses the round\'s update for the colluders\' version', () => {
    expect(vals(reversedModel(set(1, 1), set(1.5, 0)))).toEqual([0.5, 2])
  })

  it('attacks as a whale only where two of its accounts were drawn together', () => {
    const whale = new Set(['0xa', '0xb'])
    expect(coAssigned(['0xA', '0xc', '0xB'], whale)).toBe(true)
    expect(coAssigned(['0xa', '0xc'], whale)).toBe(false)
  })

  it('aims the Sybil challengers at results outside the ring, each once', () => {
    const slots = [
      { round: 0, shard: 0, attempt: 0, replica: 0, provider: '0xHonest' },
      { round: 0, shard: 0, attempt: 0, replica: 1, provider: '0xRing' },
      { round: 0, shard: 1, attempt: 1, replica: 0, provider: '0xOther' }
    ]
    expect(griefTargets(slots, new Set(['0xring']), (key) => key === '0/1/1/0')).toEqual([slots[0]])
  })
})

describe('the colluders\' pool', () => {
  it('keeps one update per shard: two replicas of a shard add no spread', async () => {
    const ring = new Collusion()
    ring.add(0, 1, set(1))
    ring.add(0, 1, set(1.0001))
    expect(ring.honest(0).map(vals)).toEqual([[1]])
    // ALIE over one shard's update is that update: no attack at all
    expect(vals(alieDelta(ring.honest(0), 1))).toEqual([1])
    ring.add(0, 3, set(3))
    expect(ring.honest(0).map(vals)).toEqual([[1], [3]])
    expect(ring.honest(1)).toEqual([])
  })

  it('waits for the shards other members train, and no longer than it is told', async () => {
    const ring = new Collusion()
    ring.add(2, 0, set(1))
    setTimeout(() => { ring.add(2, 3, set(5)) }, 50)
    expect((await ring.pooled(2, new Set([3]), 5_000)).map(vals)).toEqual([[1], [5]])
    const started = Date.now()
    expect(await ring.pooled(2, new Set([1]), 300)).toHaveLength(2)
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
  })
})
