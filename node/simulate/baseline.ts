/**
 * The centralized baseline: one trainer, the same samples. Each round it takes the union of the
 * samples of the round's accepted shards and runs what synchronous data-parallel SGD over those
 * shards would: H steps of the inner optimizer, each on a batch of (accepted shards x batch size)
 * samples, applied directly (no outer step). Evaluated on the same held-out split as the network.
 */
import { keccak256 } from 'viem'
import { decodeDelta } from '../../src/core/delta/codec.ts'
import { decodeVersion } from '../../src/core/version/blob.ts'
import { computeVersion, type AcceptedDelta } from '../../src/core/version/compute.ts'
import { shardIndices, stepSeed } from '../../src/core/sampling.ts'
import type { TaskDefinition } from '../../src/core/taskDefinition.ts'
import type { TaskSpec } from '../../src/core/taskSpec.ts'
import { subtractWeights, type WeightSet } from '../../src/core/tensors.ts'
import type { Evaluator } from '../../src/provider/types.ts'
import { serialQueue } from '../../src/provider/trainers.ts'
import { selectSamples, type Dataset } from '../../src/train/data/dataset.ts'
import { trainShard } from '../../src/train/trainShard.ts'
import { DEFAULT_LIMITS } from '../../src/storage/limits.ts'

/** The sample indices of the given shards of a round, in shard order (what the network trained on). */
export function roundSamples (spec: TaskSpec, opts: { datasetSize: number, round: number, shards: readonly number[], shardCount: number }): number[] {
  return opts.shards.flatMap((shard) => Array.from(shardIndices(spec, {
    datasetSize: opts.datasetSize, round: opts.round, shard, shardCount: opts.shardCount, samplesPerShard: spec.training.samplesPerShard
  })))
}

export class Baseline {
  constructor (
    private readonly task: TaskDefinition,
    private weights: WeightSet,
    private readonly train: Dataset,
    private readonly evaluator: Evaluator,
    private readonly queue: ReturnType<typeof serialQueue>
  ) {}

  /** Trains one round on `indices` (`shards` accepted shards' worth) and scores the result. */
  async round (round: number, indices: readonly number[], shards: number): Promise<{ accuracy: number, loss: number, samples: number }> {
    if (indices.length > 0) {
      const { training } = this.task.spec
      const result = await this.queue(async () => await trainShard({
        architecture: this.task.architecture,
        training: { ...training, batchSize: training.batchSize * Math.max(1, shards) },
        weights: this.weights,
        data: selectSamples(this.train, indices),
        seed: stepSeed(this.task.spec, round, 0),
        // float32: the baseline applies its own update exactly
        scheme: 'float32'
      }))
      const delta = decodeDelta(result.delta, { maxBytes: DEFAULT_LIMITS.delta * 4 })
      this.weights = subtractWeights(this.weights, delta)
    }
    const scores = await this.evaluator.evaluate(this.task.architecture, this.weights, {})
    return { ...scores, samples: indices.length }
  }
}

/**
 * DiLoCo without compression or redundancy, in process: each round, every accepted shard is
 * trained once from the current version on the same samples and seed as the network's, with
 * float32 deltas, and the version is computed as the network computes it (the spec's rule, the
 * outer Nesterov step). What the network's codec, int8 or sparser, is compared against.
 */
export class DenseDiloco {
  private version: Uint8Array

  constructor (
    private readonly task: TaskDefinition,
    initial: Uint8Array,
    private readonly train: Dataset,
    private readonly evaluator: Evaluator,
    private readonly queue: ReturnType<typeof serialQueue>
  ) {
    this.version = initial
  }

  async round (round: number, shards: ReadonlyArray<{ shard: number, indices: readonly number[] }>): Promise<{ accuracy: number, loss: number }> {
    const { spec, architecture, layout } = this.task
    let { weights } = decodeVersion(this.version, { layout, maxBytes: DEFAULT_LIMITS.model })
    if (shards.length > 0) {
      const deltas: AcceptedDelta[] = []
      for (const { shard, indices } of shards) {
        const { delta } = await this.queue(async () => await trainShard({
          architecture, training: spec.training, weights, data: selectSamples(this.train, indices), seed: stepSeed(spec, round, shard), scheme: 'float32'
        }))
        deltas.push({ shard, cid: keccak256(delta), bytes: delta })
      }
      const next = computeVersion(spec, layout, this.version, deltas, { maxDeltaBytes: DEFAULT_LIMITS.delta * 4, maxModelBytes: DEFAULT_LIMITS.model })
      this.version = next.bytes
      weights = next.content.weights
    }
    return await this.evaluator.evaluate(architecture, weights, {})
  }
}
