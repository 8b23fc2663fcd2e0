import { describe, expect, it } from 'vitest'
import { shardIndices, ShardSamplingError, stepSeed } from './sampling.ts'

const task = { seed: 'mnist-test' }
const base = { datasetSize: 10_000, round: 3, shardCount: 8, samplesPerShard: 1000 }

describe('shardIndices', () => {
  it('is reproducible from (task, round, shard)', () => {
    const a = shardIndices(task, { ...base, shard: 2 })
    expect(shardIndices({ seed: 'mnist-test' }, { ...base, shard: 2 })).toEqual(a)
    expect(a).toBeInstanceOf(Uint32Array)
    expect(a.length).toBe(1000)
    expect(shardIndices({ seed: 'other' }, { ...base, shard: 2 })).not.toEqual(a)
    expect(shardIndices(task, { ...base, shard: 2, round: 4 })).not.toEqual(a)
  })

  it('deals disjoint shards in range within a round', () => {
    const seen = new Set<number>()
    for (let shard = 0; shard < base.shardCount; shard++) {
      for (const index of shardIndices(task, { ...base, shard })) {
        expect(index).toBeLessThan(base.datasetSize)
        seen.add(index)
      }
    }
    expect(seen.size).toBe(base.shardCount * base.samplesPerShard)
  })

  it('reshuffles between rounds', () => {
    const r0 = new Set(shardIndices(task, { ...base, shard: 0, round: 0 }))
    const overlap = [...shardIndices(task, { ...base, shard: 0, round: 1 })].filter((index) => r0.has(index)).length
    // Independent draws of 1000 from 10,000 share about 100.
    expect(overlap).toBeGreaterThan(50)
    expect(overlap).toBeLessThan(160)
  })

  it('covers the data set evenly over many rounds', () => {
    const counts = new Uint32Array(100)
    for (let round = 0; round < 2000; round++) {
      for (const index of shardIndices(task, { datasetSize: 100, round, shard: 1, shardCount: 4, samplesPerShard: 10 })) counts[index]!++
    }
    // Each index is picked with probability 0.1 per round: 200 +- about 13.
    for (const count of counts) expect(Math.abs(count - 200)).toBeLessThan(70)
  })

  it('rejects impossible requests with a message naming them', () => {
    expect(() => shardIndices(task, { ...base, shard: 8 })).toThrow(new ShardSamplingError('shard 8 is out of range for 8 shards'))
    expect(() => shardIndices(task, { ...base, shard: 0, samplesPerShard: 2000 })).toThrow(/need 16000 samples, the data set has 10000/)
    expect(() => shardIndices(task, { ...base, shard: 0, round: -1 })).toThrow(/round must be a uint32/)
  })
})

describe('stepSeed', () => {
  it('is the same for replicas and differs across rounds and shards', () => {
    expect(stepSeed(task, 1, 2)).toBe(stepSeed({ seed: 'mnist-test' }, 1, 2))
    const seeds = new Set([stepSeed(task, 1, 2), stepSeed(task, 2, 1), stepSeed(task, 1, 3), stepSeed(task, 12, 0)])
    expect(seeds.size).toBe(4)
  })
})
