/**
 * A provider's own shards: train each (fetch the round's model, train H steps, bind the delta to
 * this provider and attempt, seal it with a key derived from a fresh salt, pin the sealed bytes,
 * save the result), commit them together, and reveal them together (the fingerprint is computed
 * then, under the seed drawn after the attempt's last commit). Nothing but ciphertext leaves the
 * provider before commits close.
 */
import { newSalt } from '../chain/actions/index.ts'
import type { ShardSlot, ShardView } from '../core/duties.ts'
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
import { pruneState } from './state.ts'
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
  pruneState(ctx.state, round)
  await ctx.save() // the salt is on disk before the commit that needs it is sent
  return true
}

/**
 * Commits saved results in one transaction, or failing that (one entry the chain refuses fails
 * the batch) one by one. Each is recorded in the persisted state as soon as the chain accepted it,
 * so a reload never sends one twice.
 */
export async function commit (ctx: ProviderContext, round: number, slots: readonly ShardSlot[]): Promise<boolean> {
  const pending = savedResults(ctx, round, slots)
  if (pending.length === 0) return false
  const { chain, taskId } = ctx.deps
  await ctx.step({ phase: 'committing', round, ...oneShard(pending) })
  return await inBatchOrAlone(ctx, 'committing', pending, async (batch) => {
    const committed = await ctx.timed(chain.commitResults(batch.map((p) => ({ taskId, round, shard: p.shard, attempt: p.attempt, replica: p.replica, deltaCid: p.deltaCid, sealedCid: p.sealedCid, salt: p.salt }))))
    for (const c of committed) {
      const p = batch.find((b) => b.shard === c.shard)
      if (p !== undefined) p.committed = true
    }
    await ctx.save()
    for (const c of committed) ctx.action({ name: 'commitResult', round, shard: c.shard })
  })
}

/** A result due within this many chain seconds is revealed at once rather than held a block for the others. */
const REVEAL_DUE_SECONDS = 30n

/**
 * Reveals saved results in one transaction (or one by one when the batch is refused); the chain
 * decides a shard in the same transaction when this provider is its last replica to reveal. A
 * result whose fingerprint seed waits for the next block (its shard's last commit is in the
 * newest one) holds the others back that one block, so they all go in one transaction (21k gas
 * and the round's cold reads each, otherwise), unless one of them is due soon. A result whose
 * seed or sketch cannot be had is reported and left out; the others go on.
 */
export async function reveal (ctx: ProviderContext, round: number, slots: readonly ShardSlot[]): Promise<boolean> {
  const pending = savedResults(ctx, round, slots)
  const { chain, taskId } = ctx.deps
  const ready: PendingResult[] = []
  let undrawn = false
  for (const p of pending) {
    await ctx.quietly('revealing', async () => {
      // The seed is read again before every try: a replica's late commit moves the seed block, and
      // a sketch under the earlier seed would disagree with its replica's and be slashed.
      const seed = await chain.readFingerprintSeed(taskId, p.round, p.shard, p.attempt)
      if (seed === undefined) {
        undrawn = true
        return
      }
      if (p.fingerprint === undefined || p.fingerprintSeed !== seed) {
        p.fingerprint = await sketchOf(ctx, p, seed)
        p.fingerprintSeed = seed
        await ctx.save()
      }
      ready.push(p)
    }, { round: p.round, shard: p.shard })
  }
  if (ready.length === 0 || (undrawn && !await dueSoon(ctx, slots, ready))) return false
  await ctx.step({ phase: 'revealing', round, ...oneShard(ready) })
  return await inBatchOrAlone(ctx, 'revealing', ready, async (batch) => {
    await ctx.timed(chain.revealResults(batch.map((p) => ({ taskId, round, shard: p.shard, replica: p.replica, deltaCid: p.deltaCid, sealedCid: p.sealedCid, salt: p.salt, fingerprint: p.fingerprint ?? [] }))))
    for (const p of batch) p.revealed = true
    await ctx.save()
    for (const p of batch) ctx.action({ name: 'revealResult', round, shard: p.shard })
  })
}

/** Whether a result of `ready` must go now: its reveal window ends within REVEAL_DUE_SECONDS. */
async function dueSoon (ctx: ProviderContext, slots: readonly ShardSlot[], ready: readonly PendingResult[]): Promise<boolean> {
  const now = await ctx.deps.chain.now()
  return ready.some((p) => {
    const slot = slots.find((s) => s.shard.shard === p.shard && s.shard.attempt === p.attempt)
    return slot !== undefined && slot.shard.revealDeadline - now <= REVEAL_DUE_SECONDS
  })
}

function savedResults (ctx: ProviderContext, round: number, slots: readonly ShardSlot[]): PendingResult[] {
  return slots.flatMap(({ shard }) => {
    const p = ctx.state.results[resultKey(round, shard.shard, shard.attempt)]
    return p === undefined ? [] : [p]
  })
}

/** The shard a step names, when it is about one. */
function oneShard (results: readonly PendingResult[]): { shard?: number } {
  return results.length === 1 ? { shard: results[0]!.shard } : {}
}

/** Sends `results` in one transaction; when the chain refuses it, each alone, so one bad entry does not hold back the rest. */
async function inBatchOrAlone (ctx: ProviderContext, phase: 'committing' | 'revealing', results: PendingResult[], send: (batch: PendingResult[]) => Promise<void>): Promise<boolean> {
  if (await ctx.quietly(phase, async () => { await send(results) })) return true
  if (results.length === 1) return false
  let sent = false
  for (const p of results) {
    if (await ctx.quietly(phase, async () => { await send([p]) }, { round: p.round, shard: p.shard })) sent = true
  }
  return sent
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
