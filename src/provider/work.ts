/**
 * A provider's own shard: train it (fetch the round's model, train H steps, pin the delta,
 * fingerprint what was pinned, save it with a fresh salt), commit, and reveal.
 */
import { newSalt } from '../chain/actions/index.ts'
import type { ShardView } from '../core/duties.ts'
import { decodeDelta } from '../core/delta/codec.ts'
import { fingerprint, fingerprintSeed } from '../core/fingerprint.ts'
import { shardIndices, stepSeed } from '../core/sampling.ts'
import { decodeVersion } from '../core/version/blob.ts'
import { MLBridgeError } from '../core/errors.ts'
import { resultKey, type ProviderContext } from './context.ts'
import type { PendingResult } from './types.ts'

/** The sample indices a shard attempt trains on (the same on every replica of the attempt). */
export function shardSamples (ctx: ProviderContext, round: number, shard: number, attempt: number): Uint32Array {
  const { task, data } = ctx.deps
  return shardIndices(task.spec, {
    datasetSize: data.size, round, shard, attempt, shardCount: ctx.onChain.shards, samplesPerShard: task.spec.training.samplesPerShard
  })
}

/** Trains the shard and saves the result (salt included) before anything is sent. */
export async function train (ctx: ProviderContext, round: number, shard: ShardView, replica: number, signal?: AbortSignal): Promise<boolean> {
  const { task, trainer, artifacts, chain, limits } = ctx.deps
  const { spec, layout } = task
  // Every attempt trains anew: a re-run orders the shard's samples its own way.
  await ctx.step({ phase: 'fetching', round, shard: shard.shard })
  const parent = await chain.readModelHead(ctx.onChain.modelId)
  const { weights } = decodeVersion(await ctx.modelOf(parent, signal), { layout, maxBytes: limits.model })
  const indices = shardSamples(ctx, round, shard.shard, shard.attempt)
  await ctx.step({ phase: 'training', round, shard: shard.shard })
  const result = await ctx.bounded(async (bound) => await trainer.train(
    { architecture: task.architecture, training: spec.training, weights, data: ctx.deps.data.shard(indices), seed: stepSeed(spec, round, shard.shard, shard.attempt) },
    { onProgress: (progress) => { ctx.events.emit('progress', { round, shard: shard.shard, progress }) }, signal: bound }
  ), signal)
  await ctx.step({ phase: 'uploading', round, shard: shard.shard })
  const deltaCid = await ctx.bounded(async (bound) => await artifacts.put(result.delta, 'delta', { signal: bound }), signal)
  ctx.events.emit('artifact', { kind: 'delta', cid: deltaCid, size: result.delta.length, round, shard: shard.shard })
  // The fingerprint of what was pinned: the decoded delta, as any checker will see it.
  const decoded = decodeDelta(result.delta, { expected: layout, maxBytes: limits.delta })
  const fp = Array.from(fingerprint(decoded, { length: spec.fingerprint.length, seed: fingerprintSeed(spec, round, shard.shard), resolution: spec.fingerprint.resolution }))
  const pending: PendingResult = { round, shard: shard.shard, attempt: shard.attempt, replica, deltaCid, fingerprint: fp, salt: newSalt(), committed: false, revealed: false }
  ctx.state.results[resultKey(round, shard.shard, shard.attempt)] = pending
  await ctx.save() // the salt is on disk before the commit that needs it is sent
  return true
}

/**
 * Commits or reveals a saved result; both carry the same fields, and both are recorded in the
 * persisted state as soon as the chain accepted them, so a reload never sends one twice.
 */
export async function submit (ctx: ProviderContext, phase: 'committing' | 'revealing', round: number, shard: ShardView, replica: number): Promise<boolean> {
  const pending = ctx.state.results[resultKey(round, shard.shard, shard.attempt)]
  if (pending === undefined) return false
  const { chain, taskId } = ctx.deps
  await ctx.step({ phase, round, shard: shard.shard })
  const params = { taskId, round, shard: shard.shard, replica, deltaCid: pending.deltaCid, fingerprint: pending.fingerprint, salt: pending.salt }
  const sent = await ctx.quietly(phase, async () => {
    await ctx.timed<unknown>(phase === 'committing' ? chain.commitResult(params) : chain.revealResult(params))
  })
  if (!sent) return false
  if (phase === 'committing') pending.committed = true
  else pending.revealed = true
  await ctx.save()
  ctx.action({ name: phase === 'committing' ? 'commitResult' : 'revealResult', round, shard: shard.shard })
  return true
}

export function lostResult (ctx: ProviderContext, round: number, shard: ShardView): boolean {
  ctx.error({ phase: 'revealing', error: new MLBridgeError('RESULT_LOST', `no saved salt for round ${round} shard ${shard.shard}: this result cannot be revealed`), fatal: false })
  return false
}
