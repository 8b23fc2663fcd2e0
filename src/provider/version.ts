/**
 * The round's version: recomputed by every winner from every accepted winner's delta (each opened
 * and checked against what its provider committed and revealed, see core/version/deltaCheck.ts),
 * so each can confirm or challenge what the aggregator proposes, and proposed by the aggregator
 * with its scores.
 */
import type { Address, Hex } from 'viem'
import { hasBit } from '../core/bitmask.ts'
import { MLBridgeError } from '../core/errors.ts'
import { shardDataHash } from '../core/sampling.ts'
import { decodeVersion } from '../core/version/blob.ts'
import { computeVersion, type AcceptedDelta } from '../core/version/compute.ts'
import { checkWinners } from '../core/version/deltaCheck.ts'
import type { ProviderContext } from './context.ts'
import type { RoundVersionRecord } from './types.ts'
import { shardSamples } from './work.ts'

const byAddress = (a: Address, b: Address): number => (a < b ? -1 : a > b ? 1 : 0)

/** Fetches the accepted deltas, computes the round's version, pins it and saves the record. */
export async function aggregate (ctx: ProviderContext, round: number, signal?: AbortSignal): Promise<boolean> {
  const { chain, artifacts, taskId, task, limits } = ctx.deps
  await ctx.step({ phase: 'aggregating', round })
  const [state, accepted, parent] = await Promise.all([chain.readRound(taskId, round), chain.readAccepted(taskId, round), chain.readModelHead(ctx.onChain.modelId)])
  const parentBytes = await ctx.modelOf(parent, signal)
  const latest = new Map<number, (typeof accepted)[number]>()
  for (const a of accepted) if ((latest.get(a.shard)?.attempt ?? -1) < a.attempt) latest.set(a.shard, a)
  const deltas: AcceptedDelta[] = []
  const winners = new Set<Address>()
  for (const a of [...latest.values()].sort((x, y) => x.shard - y.shard)) {
    state.shards[a.shard]?.providers.forEach((p, i) => { if (hasBit(a.winnersMask, i)) winners.add(p.toLowerCase() as Address) })
    const revealed = (await chain.readRevealed(taskId, round, a.shard, a.attempt)).filter((x) => hasBit(a.winnersMask, x.replica))
    if (revealed.length === 0) throw new MLBridgeError('AGGREGATE_INPUT_MISSING', `no revealed result for accepted shard ${a.shard} of round ${round}`)
    const fingerprintSeed = await chain.readFingerprintSeed(taskId, round, a.shard, a.attempt)
    if (fingerprintSeed === undefined) throw new MLBridgeError('AGGREGATE_INPUT_MISSING', `no fingerprint seed for accepted shard ${a.shard} of round ${round}`)
    const fetch = async (cid: Hex): Promise<Uint8Array> => await ctx.bounded(async (bound) => await artifacts.get(cid, 'delta', { signal: bound }), signal)
    const checks = await checkWinners(revealed, fetch, {
      chainId: await chain.chainId(), verifier: chain.verifier, taskId, round, shard: a.shard, attempt: a.attempt, fingerprintSeed,
      spec: task.spec, layout: task.layout, maxDeltaBytes: limits.delta
    })
    for (const fault of checks.faults) {
      ctx.error({ phase: 'aggregating', round, shard: a.shard, fatal: false, error: new MLBridgeError('DELTA_FINGERPRINT_MISMATCH', `round ${round} shard ${a.shard}: replica ${fault.replica} (${fault.provider}) committed ${fault.deltaCid}, but ${fault.reason}`) })
    }
    // Every recomputer checks the same bytes, so all leave the same winners (or the whole shard) out.
    for (const m of checks.matching) deltas.push({ shard: a.shard, cid: m.deltaCid, bytes: m.bytes })
  }
  const computed = computeVersion(task.spec, task.layout, parentBytes, deltas, { maxDeltaBytes: limits.delta, maxModelBytes: limits.model })
  const refused = [...computed.verdicts].filter(([, v]) => !v.ok)
  if (refused.length > 0) ctx.error({ phase: 'aggregating', error: new MLBridgeError('DELTA_REFUSED', `refused deltas: ${refused.map(([id, v]) => `${id} (${v.ok ? '' : v.message})`).join('; ')}`), fatal: false })
  const modelCid = await ctx.bounded(async (bound) => await artifacts.put(computed.bytes, 'model', { signal: bound }), signal)
  ctx.keepModel(modelCid, computed.bytes)
  ctx.events.emit('artifact', { kind: 'model', cid: modelCid, size: computed.bytes.length, round })
  const record: RoundVersionRecord = {
    round,
    parent: parent.toString(),
    modelCid,
    commitHash: computed.commitHash,
    deltaRoot: computed.deltaRoot,
    dataHash: shardDataHash([...new Set(computed.used.map((d) => d.shard))].map((shard) => shardSamples(ctx, round, shard, latest.get(shard)?.attempt ?? 0))),
    winners: [...winners].sort(byAddress),
    confirmed: [],
    mismatched: []
  }
  ctx.state.versions[String(round)] = record
  await ctx.save()
  ctx.action({ name: 'recompute', round, detail: computed.commitHash })
  return true
}

/** Scores the recomputed version and proposes it; a failure is reported and retried on a later tick. */
export async function propose (ctx: ProviderContext, round: number, signal?: AbortSignal): Promise<boolean> {
  const record = ctx.state.versions[String(round)]
  if (record === undefined) return false
  try {
    await ctx.step({ phase: 'proposing', round })
    const { accuracy, loss } = await score(ctx, record, signal)
    return await ctx.quietly('proposing', async () => {
      const versionId = await ctx.timed(ctx.deps.chain.proposeVersion(ctx.deps.taskId, round, BigInt(record.parent), {
        modelCid: record.modelCid,
        commitHash: record.commitHash,
        deltaRoot: record.deltaRoot,
        dataHash: record.dataHash,
        accuracyBps: Math.max(0, Math.min(10_000, Math.round(accuracy * 10_000))),
        loss: BigInt(Math.max(0, Math.round(loss * 1e6)))
      }))
      record.proposed = versionId.toString()
      await ctx.save()
      ctx.action({ name: 'proposeVersion', round, versionId })
    })
  } catch (error) {
    if (signal?.aborted === true) throw error
    ctx.error({ phase: 'proposing', error, fatal: false, round })
    return false
  }
}

/** Held-out accuracy and loss of the version (0 without an evaluator). */
async function score (ctx: ProviderContext, record: RoundVersionRecord, signal?: AbortSignal): Promise<{ accuracy: number, loss: number }> {
  const { evaluator, task, limits } = ctx.deps
  if (evaluator === undefined) return { accuracy: 0, loss: 0 }
  const { weights } = decodeVersion(await ctx.modelAt(record.modelCid, signal), { layout: task.layout, maxBytes: limits.model })
  return await ctx.bounded(async (bound) => await evaluator.evaluate(task.architecture, weights, { signal: bound }), signal)
}
