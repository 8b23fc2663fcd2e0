/**
 * A provider's own shard: train it (fetch the round's model, train H steps, bind the delta to this
 * provider and attempt, seal it with a key derived from a fresh salt, pin the sealed bytes, save
 * the result), commit, and reveal (the fingerprint is computed then, under the seed drawn after
 * the attempt's last commit). Nothing but ciphertext leaves the provider before commits close.
 */
import { newSalt } from '../chain/actions/index.ts'
import type { ShardView } from '../core/duties.ts'
import type { Hex } from 'viem'
import { deltaBinding } from '../core/delta/binding.ts'
import { deltaCidOf } from '../core/delta/cid.ts'
import { bindDelta, decodeDelta } from '../core/delta/codec.ts'
import { deltaEncoding, toTaskEncoding, trainerScheme } from '../core/delta/taskEncoding.ts'
import { openDelta, sealDelta } from '../core/delta/seal.ts'
import { taskFingerprint } from '../core/fingerprint.ts'
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
  const encoding = deltaEncoding(spec)
  await ctx.step({ phase: 'training', round, shard: shard.shard })
  const result = await ctx.bounded(async (bound) => await trainer.train(
    { architecture: task.architecture, training: spec.training, weights, data: ctx.deps.data.shard(indices), seed: stepSeed(spec, round, shard.shard, shard.attempt), scheme: trainerScheme(encoding) },
    { onProgress: (progress) => { ctx.events.emit('progress', { round, shard: shard.shard, progress }) }, signal: bound }
  ), signal)
  await ctx.step({ phase: 'uploading', round, shard: shard.shard })
  const plaintext = bindDelta(toTaskEncoding(result.delta, encoding, { layout, maxBytes: limits.delta }), await bindingOf(ctx, round, shard.shard, shard.attempt))
  const salt = newSalt()
  const sealed = await sealDelta(plaintext, salt)
  const sealedCid = await ctx.bounded(async (bound) => await artifacts.put(sealed, 'delta', { signal: bound }), signal)
  ctx.events.emit('artifact', { kind: 'delta', cid: sealedCid, size: sealed.length, round, shard: shard.shard })
  const receipt = artifacts.receiptOf?.(sealedCid)
  const pending: PendingResult = { round, shard: shard.shard, attempt: shard.attempt, replica, deltaCid: await deltaCidOf(plaintext), sealedCid, salt, committed: false, revealed: false, ...(receipt === undefined ? {} : { receipt }) }
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
  if (phase === 'revealing') {
    // The seed is read again before every try: a replica's late commit moves the seed block, and
    // a sketch under the earlier seed would disagree with its replica's and be slashed.
    const seed = await chain.readFingerprintSeed(taskId, pending.round, pending.shard, pending.attempt)
    if (seed === undefined) return false // the block that draws the seed is not mined yet: the next tick
    if (pending.fingerprint === undefined || pending.fingerprintSeed !== seed) {
      pending.fingerprint = await sketchOf(ctx, pending, seed)
      pending.fingerprintSeed = seed
      await ctx.save()
    }
  }
  await ctx.step({ phase, round, shard: shard.shard })
  const params = { taskId, round, shard: shard.shard, attempt: pending.attempt, replica, deltaCid: pending.deltaCid, sealedCid: pending.sealedCid, salt: pending.salt }
  const fingerprint = pending.fingerprint ?? []
  const sent = await ctx.quietly(phase, async () => {
    await ctx.timed<unknown>(phase === 'committing' ? chain.commitResult(params) : chain.revealResult({ ...params, fingerprint }))
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

/** What this provider writes into its delta's binding for a shard attempt (core/delta/binding.ts). */
async function bindingOf (ctx: ProviderContext, round: number, shard: number, attempt: number): Promise<Hex> {
  const { chain, taskId } = ctx.deps
  return deltaBinding({ chainId: await chain.chainId(), verifier: chain.verifier, taskId, round, shard, attempt, provider: chain.account })
}

/** The fingerprint of the committed delta under `seed`, computed from the sealed bytes this provider pinned (so a reload loses nothing). */
async function sketchOf (ctx: ProviderContext, pending: PendingResult, seed: number): Promise<number[]> {
  const { task, artifacts, limits } = ctx.deps
  const sealed = await ctx.bounded(async (bound) => await artifacts.get(pending.sealedCid, 'delta', { signal: bound }))
  const delta = decodeDelta(await openDelta(sealed, pending.salt, { maxBytes: limits.delta }), { expected: task.layout, maxBytes: limits.delta })
  return Array.from(taskFingerprint(delta, task.spec, seed))
}
