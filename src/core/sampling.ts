import { keccak256, type Hex } from 'viem'
import { deriveSeed, Rng, type Seed } from './random.ts'
import { errorKind } from './errors.ts'

/**
 * Which samples a shard trains on, and the seed of its inner steps, as pure functions of the task
 * seed, the round, the shard and the attempt: replicas of a shard attempt train on the same samples
 * in the same order, and nobody can steer which samples they get. A re-run (attempt >= 1) trains
 * the same samples in another order, so it computes something new: a fingerprint revealed in an
 * earlier attempt is worth nothing to a provider that did not train.
 */

export interface ShardSamplingOptions {
  datasetSize: number
  round: number
  shard: number
  shardCount: number
  samplesPerShard: number
  /** the shard's attempt (0 for the first; a re-run reorders the shard's samples) */
  attempt?: number
}

export class ShardSamplingError extends errorKind('SHARD_SAMPLING') {
  override name = 'ShardSamplingError'
}

/**
 * The shard's sample indices, in training order. Each round draws one permutation of the data set
 * (Fisher-Yates from the round's seed) and deals shard `s` the slice
 * `[s * samplesPerShard, (s + 1) * samplesPerShard)`, so the shards of a round are disjoint and a
 * new round reshuffles. The trainer takes batches in this order, wrapping around when `H` steps
 * need more samples than the shard has.
 */
export function shardIndices (task: { seed: Seed }, opts: ShardSamplingOptions): Uint32Array {
  const { datasetSize, round, shard, shardCount, samplesPerShard } = opts
  const attempt = opts.attempt ?? 0
  for (const [field, value] of Object.entries({ ...opts, attempt })) {
    if (!(Number.isInteger(value) && value >= 0 && value <= 0xffffffff)) throw new ShardSamplingError(`${field} must be a uint32 integer, got ${value}`)
  }
  if (shardCount === 0 || samplesPerShard === 0) throw new ShardSamplingError('shardCount and samplesPerShard must be positive')
  if (shard >= shardCount) throw new ShardSamplingError(`shard ${shard} is out of range for ${shardCount} shards`)
  if (shardCount * samplesPerShard > datasetSize) {
    throw new ShardSamplingError(`${shardCount} shards x ${samplesPerShard} samples need ${shardCount * samplesPerShard} samples, the data set has ${datasetSize}`)
  }
  const permutation = new Uint32Array(datasetSize)
  for (let i = 0; i < datasetSize; i++) permutation[i] = i
  const rng = new Rng(deriveSeed(task.seed, 'sample', round))
  // Only the first shardCount * samplesPerShard positions are dealt, so the shuffle can stop there.
  const dealt = shardCount * samplesPerShard
  for (let i = 0; i < dealt; i++) {
    const j = i + rng.nextInt(datasetSize - i)
    const swap = permutation[i]!
    permutation[i] = permutation[j]!
    permutation[j] = swap
  }
  const slice = permutation.slice(shard * samplesPerShard, (shard + 1) * samplesPerShard)
  if (attempt > 0) {
    // The same samples, in an order of the attempt's own (Fisher-Yates over the slice).
    const reorder = new Rng(deriveSeed(task.seed, 'sample', round, shard, attempt))
    for (let i = 0; i < slice.length - 1; i++) {
      const j = i + reorder.nextInt(slice.length - i)
      const swap = slice[i]!
      slice[i] = slice[j]!
      slice[j] = swap
    }
  }
  return slice
}

/**
 * Seed for everything random inside a shard's inner steps (dropout masks, augmentation), the
 * same for every replica of the shard and different for every other (round, shard).
 */
export function stepSeed (task: { seed: Seed }, round: number, shard: number, attempt = 0): number {
  return attempt === 0 ? deriveSeed(task.seed, 'step', round, shard) : deriveSeed(task.seed, 'step', round, shard, attempt)
}

/**
 * The data hash a version records: keccak256 of the sample indices the counted shards trained on,
 * each index a little-endian uint32, shard after shard in ascending shard order.
 */
export function shardDataHash (shards: readonly Uint32Array[]): Hex {
  const total = shards.reduce((n, s) => n + s.length, 0)
  const bytes = new Uint8Array(total * 4)
  const view = new DataView(bytes.buffer)
  let at = 0
  for (const indices of shards) {
    for (const index of indices) {
      view.setUint32(at, index, true)
      at += 4
    }
  }
  return keccak256(bytes)
}
