/**
 * The referee's own run of a shard attempt: the same spec, parent model, data shard and step seed
 * a provider used, trained in this process (tfjs on the CPU or WASM backend), its delta encoded
 * and decoded with the task's codec as a provider's is, and fingerprinted under the attempt's
 * seed. The result is what an honest replica should have revealed, up to float noise.
 */
import { decodeDelta } from '../../src/core/delta/codec.ts'
import { deltaEncoding, toTaskEncoding, trainerScheme } from '../../src/core/delta/taskEncoding.ts'
import { taskFingerprint } from '../../src/core/fingerprint.ts'
import { shardIndices, stepSeed } from '../../src/core/sampling.ts'
import type { TaskDefinition } from '../../src/core/taskDefinition.ts'
import { decodeVersion } from '../../src/core/version/blob.ts'
import type { TaskData } from '../../src/provider/taskData.ts'
import type { Trainer } from '../../src/provider/types.ts'
import type { ArtifactLimits } from '../../src/storage/limits.ts'

export interface ShardAttempt {
  round: number
  shard: number
  attempt: number
  /** the task's shard count (`getTask(taskId).shards`) */
  shards: number
}

export interface Reexecution {
  fingerprint: number[]
  durationMs: number
  /** the tfjs backend that trained it */
  backend: string
}

export async function reexecuteShard (
  input: { definition: TaskDefinition, data: TaskData, trainer: Trainer, parent: Uint8Array, at: ShardAttempt, fingerprintSeed: number, limits: Pick<ArtifactLimits, 'delta' | 'model'> },
  options: { signal?: AbortSignal } = {}
): Promise<Reexecution> {
  const { definition: { spec, layout, architecture }, at } = input
  const started = performance.now()
  const { weights } = decodeVersion(input.parent, { layout, maxBytes: input.limits.model })
  const indices = shardIndices(spec, { datasetSize: input.data.size, round: at.round, shard: at.shard, attempt: at.attempt, shardCount: at.shards, samplesPerShard: spec.training.samplesPerShard })
  const encoding = deltaEncoding(spec)
  const result = await input.trainer.train(
    { architecture, training: spec.training, weights, data: input.data.shard(indices), seed: stepSeed(spec, at.round, at.shard, at.attempt), scheme: trainerScheme(encoding) },
    { signal: options.signal }
  )
  const bytes = toTaskEncoding(result.delta, encoding, { layout, maxBytes: input.limits.delta })
  const delta = decodeDelta(bytes, { expected: layout, maxBytes: input.limits.delta })
  return { fingerprint: Array.from(taskFingerprint(delta, spec, input.fingerprintSeed)), durationMs: performance.now() - started, backend: result.metrics.backend }
}
