/**
 * The round's version: recomputed by every winner from every accepted winner's delta (each opened
 * and checked against what its provider committed and revealed, see core/version/deltaCheck.ts),
 * so each can sign or challenge what the aggregator proposes, and proposed by the aggregator with
 * its scores and the other winners' signatures gathered off chain (see endorsements.ts).
 */
import type { Address, Hex } from 'viem'
import { bitCount, hasBit } from '../core/bitmask.ts'
import { MLBridgeError } from '../core/errors.ts'
import { shardDataHash } from '../core/sampling.ts'
import { acceptedDeltaRoot, acceptedResults, type RevealedWinner } from '../core/version/acceptedResults.ts'
import { decodeVersion } from '../core/version/blob.ts'
import { computeVersion, type AcceptedDelta } from '../core/version/compute.ts'
import { checkWinners } from '../core/version/deltaCheck.ts'
import { checkEndorsement, type ExpectedVersion } from '../core/version/endorsement.ts'
import type { SignerSignature, VersionContent } from '../core/version/signature.ts'
import type { ProviderContext } from './context.ts'
import { endorsementBody } from './endorsements.ts'
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
  const revealedWinners: RevealedWinner[] = []
  const winners = new Set<Address>()
  for (const a of [...latest.values()].sort((x, y) => x.shard - y.shard)) {
    state.shards[a.shard]?.providers.forEach((p, i) => { if (hasBit(a.winnersMask, i)) winners.add(p.toLowerCase() as Address) })
    const revealed = (await chain.readRevealed(taskId, round, a.shard, a.attempt)).filter((x) => hasBit(a.winnersMask, x.replica))
    if (revealed.length !== bitCount(a.winnersMask)) throw new MLBridgeError('AGGREGATE_INPUT_MISSING', `missing revealed results of accepted shard ${a.shard} of round ${round}`)
    for (const r of revealed) revealedWinners.push({ shard: a.shard, ...r })
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
  // The verifier computes the root from every winner's result, whether its bytes counted or not.
  const results = acceptedResults(revealedWinners)
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
    deltaRoot: acceptedDeltaRoot(results),
    results,
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

/**
 * Scores the recomputed version and proposes it; a failure is reported and retried on a later
 * tick. With an endorsement bus the aggregator first signs and publishes its content (kept, so a
 * retry proposes the same metrics), then waits up to `endorsementWaitMs` for the other winners'
 * signatures of it and submits every one that checks out with its proposal.
 */
export async function propose (ctx: ProviderContext, round: number, signal?: AbortSignal): Promise<boolean> {
  const record = ctx.state.versions[String(round)]
  if (record === undefined) return false
  const { chain, taskId, endorsements: bus } = ctx.deps
  try {
    await ctx.step({ phase: 'proposing', round })
    let metrics = record.draft === undefined ? undefined : { accuracyBps: record.draft.accuracyBps, loss: BigInt(record.draft.loss) }
    if (metrics === undefined) {
      const { accuracy, loss } = await score(ctx, record, signal)
      metrics = { accuracyBps: Math.max(0, Math.min(10_000, Math.round(accuracy * 10_000))), loss: BigInt(Math.max(0, Math.round(loss * 1e6))) }
    }
    const content = contentOf(ctx, record, metrics)
    let signatures: SignerSignature[] = []
    if (bus !== undefined) {
      if (record.draft === undefined) {
        const signature = await ctx.timed(chain.signVersion(content))
        record.draft = { accuracyBps: metrics.accuracyBps, loss: metrics.loss.toString(), signature }
        await ctx.save()
        await bus.publish(endorsementBody(content, ctx.account, signature)).catch(() => {}) // a lost message costs only a confirm
      }
      await ctx.step({ phase: 'proposing', round, detail: 'gathering the other winners\' signatures' })
      signatures = [{ signer: ctx.account, signature: record.draft.signature }, ...await gather(ctx, record, metrics, signal)]
    }
    return await ctx.quietly('proposing', async () => {
      const { versionId, final } = await ctx.timed(chain.proposeVersion(taskId, round, BigInt(record.parent), content.data, signatures, record.results))
      record.proposed = versionId.toString()
      await ctx.save()
      ctx.action({ name: 'proposeVersion', round, versionId, detail: `${Math.max(1, signatures.length)} signers${final ? ', final' : ''}` })
    })
  } catch (error) {
    if (signal?.aborted === true) throw error
    ctx.error({ phase: 'proposing', error, fatal: false, round })
    return false
  }
}

/**
 * A winner endorses the aggregator's version: when the aggregator's signed content is what this
 * provider recomputed (its metrics taken as the aggregator scored them, as a confirmation of the
 * stored version would), it signs the same content and publishes the signature.
 */
export async function endorse (ctx: ProviderContext, round: number): Promise<boolean> {
  const record = ctx.state.versions[String(round)]
  const bus = ctx.deps.endorsements
  if (record === undefined || record.endorsed === true || bus === undefined) return false
  const content = await aggregatorContent(ctx, round)
  if (content === undefined) return false
  await ctx.step({ phase: 'confirming', round, detail: 'signing the aggregator\'s version' })
  const signature = await ctx.timed(ctx.deps.chain.signVersion(content))
  await bus.publish(endorsementBody(content, ctx.account, signature))
  record.endorsed = true
  await ctx.save()
  ctx.action({ name: 'endorseVersion', round, detail: content.data.commitHash })
  return true
}

/** The aggregator's endorsed content for `round` when it matches this provider's recomputation. */
export async function aggregatorContent (ctx: ProviderContext, round: number): Promise<VersionContent | undefined> {
  const record = ctx.state.versions[String(round)]
  const aggregator = record?.winners[0]
  if (record === undefined || aggregator === undefined) return undefined
  const theirs = ctx.endorsements.of(round).find((r) => r.endorsement.signer.toLowerCase() === aggregator.toLowerCase())
  if (theirs === undefined) return undefined
  const check = await checkEndorsement(theirs.endorsement, theirs.from, await expected(ctx, record))
  if (check.ok) return check.content
  refused(ctx, round, theirs.endorsement.signer, check)
  return undefined
}

/** The other winners' endorsements of exactly this content, as they arrive, until all are in or the wait is over. */
async function gather (ctx: ProviderContext, record: RoundVersionRecord, metrics: { accuracyBps: number, loss: bigint }, signal?: AbortSignal): Promise<SignerSignature[]> {
  const { clock, endorsementWaitMs } = ctx.deps
  const want = record.winners.filter((w) => w.toLowerCase() !== ctx.account.toLowerCase()).length
  const wanted = await expected(ctx, record, metrics)
  const valid = new Map<string, SignerSignature>()
  const until = clock.now() + endorsementWaitMs
  for (;;) {
    for (const { endorsement, from } of ctx.endorsements.of(record.round)) {
      const key = `${endorsement.signer}/${endorsement.signature}`
      if (valid.has(key) || endorsement.signer === ctx.account.toLowerCase()) continue
      const check = await checkEndorsement(endorsement, from, wanted)
      if (check.ok) valid.set(key, { signer: endorsement.signer, signature: endorsement.signature })
      else refused(ctx, record.round, endorsement.signer, check)
    }
    const left = until - clock.now()
    if (new Set([...valid.values()].map((s) => s.signer)).size >= want || left <= 0) return [...valid.values()]
    await clock.sleep(Math.min(100, left), signal)
  }
}

function contentOf (ctx: ProviderContext, record: RoundVersionRecord, metrics: { accuracyBps: number, loss: bigint }): VersionContent {
  const { modelCid, commitHash, deltaRoot, dataHash } = record
  return { taskId: ctx.deps.taskId, round: BigInt(record.round), parent: BigInt(record.parent), data: { modelCid, commitHash, deltaRoot, dataHash, ...metrics } }
}

async function expected (ctx: ProviderContext, record: RoundVersionRecord, metrics?: { accuracyBps: number, loss: bigint }): Promise<ExpectedVersion> {
  const { data } = contentOf(ctx, record, metrics ?? { accuracyBps: 0, loss: 0n })
  return {
    domain: await ctx.deps.chain.registryDomain(),
    taskId: ctx.deps.taskId,
    round: BigInt(record.round),
    parent: BigInt(record.parent),
    modelCid: data.modelCid,
    commitHash: data.commitHash,
    deltaRoot: data.deltaRoot,
    dataHash: data.dataHash,
    winners: record.winners,
    ...(metrics === undefined ? {} : { metrics })
  }
}

/** Reports a refused endorsement once per round and signer: a peer's bad message is never fatal. */
function refused (ctx: ProviderContext, round: number, signer: string, check: { reason: string, detail: string }): void {
  if (!ctx.endorsements.firstRefusal(round, signer)) return
  ctx.error({ phase: 'confirming', round, fatal: false, error: new MLBridgeError('ENDORSEMENT_REFUSED', `endorsement of round ${round} by ${signer} refused (${check.reason}): ${check.detail}`) })
}

/** Held-out accuracy and loss of the version (0 without an evaluator). */
async function score (ctx: ProviderContext, record: RoundVersionRecord, signal?: AbortSignal): Promise<{ accuracy: number, loss: number }> {
  const { evaluator, task, limits } = ctx.deps
  if (evaluator === undefined) return { accuracy: 0, loss: 0 }
  const { weights } = decodeVersion(await ctx.modelAt(record.modelCid, signal), { layout: task.layout, maxBytes: limits.model })
  return await ctx.bounded(async (bound) => await evaluator.evaluate(task.architecture, weights, { signal: bound }), signal)
}
