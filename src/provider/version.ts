/**
 * The round's version: recomputed by every winner (recompute.ts), so each can sign or challenge
 * what the aggregator proposes, and proposed by the aggregator with
 * its scores and the other winners' signatures gathered off chain (see endorsements.ts).
 */
import type { Hex } from 'viem'
import { ContractRejectedError, type ResultRef } from '../chain/actions/index.ts'
import { MLBridgeError } from '../core/errors.ts'
import { decodeVersion } from '../core/version/blob.ts'
import type { FraudProof } from '../core/version/deltaCheck.ts'
import { checkEndorsement, type ExpectedVersion } from '../core/version/endorsement.ts'
import { versionMetrics } from '../core/version/metrics.ts'
import { gatheringOver, requiredSigners } from '../core/version/signers.ts'
import type { SignerSignature, VersionContent } from '../core/version/signature.ts'
import type { ProviderContext } from './context.ts'
import { endorsementBody } from './endorsements.ts'
import { recomputeRound, type RecomputedRound } from './recompute.ts'
import type { RoundVersionRecord } from './types.ts'
import { pruneState } from './state.ts'

/** Fetches the accepted deltas, computes the round's version, pins it and saves the record. */
export async function aggregate (ctx: ProviderContext, round: number, signal?: AbortSignal): Promise<boolean> {
  const { chain, taskId, task, limits } = ctx.deps
  await ctx.step({ phase: 'aggregating', round })
  const parent = await chain.readModelHead(ctx.onChain.modelId)
  const parentBytes = await ctx.modelOf(parent, signal)
  const fetchDelta = async (cid: Hex): Promise<Uint8Array> => await ctx.deltaOf(cid, signal)
  const recomputed = await recomputeRound({ chain, fetchDelta, task, dataSize: ctx.deps.data.size, shards: ctx.onChain.shards, limits }, taskId, round, parentBytes)
  for (const fault of recomputed.faults) {
    ctx.error({ phase: 'aggregating', round, shard: fault.shard, fatal: false, error: new MLBridgeError('DELTA_FINGERPRINT_MISMATCH', `round ${round} shard ${fault.shard}: replica ${fault.replica} (${fault.provider}) committed ${fault.deltaCid}, but ${fault.reason}`) })
    await challengeFault(ctx, round, fault)
  }
  const { computed } = recomputed
  const refused = [...computed.verdicts].filter(([, v]) => !v.ok)
  if (refused.length > 0) ctx.error({ phase: 'aggregating', error: new MLBridgeError('DELTA_REFUSED', `refused deltas: ${refused.map(([id, v]) => `${id} (${v.ok ? '' : v.message})`).join('; ')}`), fatal: false })
  const modelCid = await storeVersion(ctx, round, computed.bytes, signal)
  ctx.keepModel(modelCid, computed.bytes)
  ctx.events.emit('artifact', { kind: 'model', cid: modelCid, size: computed.bytes.length, round })
  const record: RoundVersionRecord = {
    round,
    parent: parent.toString(),
    modelCid,
    commitHash: recomputed.commitHash,
    deltaRoot: recomputed.deltaRoot,
    results: recomputed.results,
    dataHash: recomputed.dataHash,
    winners: recomputed.winners,
    confirmed: [],
    mismatched: []
  }
  ctx.state.versions[String(round)] = record
  pruneState(ctx.state, round)
  await ctx.save()
  ctx.dropDeltas()
  ctx.action({ name: 'recompute', round, detail: recomputed.commitHash })
  return true
}

/**
 * Stores and pins the recomputed version. Pipelined, the pin runs while this winner proposes or
 * endorses: the proposal needs only the CID, the other winners recompute the bytes themselves, and
 * every transaction that may make the version final (and so start the next round, which trains
 * from it) waits for the pin first: propose, confirm, finalizeVersion.
 */
async function storeVersion (ctx: ProviderContext, round: number, bytes: Uint8Array, signal?: AbortSignal): Promise<Hex> {
  const { artifacts, pipeline } = ctx.deps
  const stage = artifacts.stage
  if (!pipeline || stage === undefined) return await ctx.bounded(async (bound) => await artifacts.put(bytes, 'model', { signal: bound }), signal)
  const staged = await ctx.bounded(async (bound) => await stage(bytes, 'model', { signal: bound }), signal)
  ctx.publishing(round, async () => { await ctx.bounded(async (bound) => { await staged.publish({ signal: bound }) }, signal) })
  return staged.cid
}

/**
 * Reports a winner whose delta bytes do not give its revealed fingerprint, so it is slashed with
 * this provider as reporter: by a fraud proof the contract checks alone when its header or binding
 * is wrong and the bytes are small enough, else (or when the contract refuses the proof) by a
 * challenge the referee judges. Every winner
 * sees the same fault: whoever comes second finds the result slashed or the challenge open.
 */
async function challengeFault (ctx: ProviderContext, round: number, fault: RecomputedRound['faults'][number]): Promise<void> {
  if (fault.provider.toLowerCase() === ctx.account.toLowerCase()) return
  const ref = { taskId: ctx.deps.taskId, round, shard: fault.shard, attempt: fault.attempt, replica: fault.replica }
  const detail = `replica ${fault.replica} (${fault.provider})`
  try {
    if (fault.proof !== undefined && await proved(ctx, ref, fault.proof)) {
      ctx.action({ name: 'proveInvalidDelta', round, shard: fault.shard, detail })
    } else if (await ctx.timed(ctx.deps.chain.challengeResult(ref, fault.claim))) {
      ctx.action({ name: 'challengeResult', round, shard: fault.shard, detail })
    }
  } catch (error) {
    if (error instanceof ContractRejectedError && ['ChallengeAlreadyOpen', 'AlreadySlashed'].includes(error.errorName ?? '')) return
    ctx.error({ phase: 'aggregating', round, shard: fault.shard, fatal: false, error: error instanceof Error ? error : new Error(String(error)) })
  }
}

/**
 * Sends the fraud proof; false when the contract refuses it for another reason than the result
 * being slashed already (its checks and this client's should agree), so the referee judges it.
 */
async function proved (ctx: ProviderContext, ref: ResultRef, proof: FraudProof): Promise<boolean> {
  try {
    await ctx.timed(ctx.deps.chain.proveInvalidDelta(ref, proof))
    return true
  } catch (error) {
    if (error instanceof ContractRejectedError && error.errorName !== 'AlreadySlashed') {
      ctx.error({ phase: 'aggregating', round: ref.round, shard: ref.shard, fatal: false, error })
      return false
    }
    throw error
  }
}

/**
 * Scores the recomputed version and proposes it; a failure is reported and retried on a later
 * tick. With an endorsement bus the aggregator first signs and publishes its content (kept, so a
 * retry proposes the same metrics), then waits for the other winners' signatures of it (`gather`)
 * and submits every one that checks out with its proposal.
 */
export async function propose (ctx: ProviderContext, round: number, signal?: AbortSignal): Promise<boolean> {
  const record = ctx.state.versions[String(round)]
  if (record === undefined) return false
  const { chain, taskId, endorsements: bus } = ctx.deps
  try {
    await ctx.step({ phase: 'proposing', round })
    let metrics = record.draft === undefined ? undefined : { accuracyBps: record.draft.accuracyBps, loss: BigInt(record.draft.loss) }
    if (metrics === undefined) {
      metrics = versionMetrics(await score(ctx, record, signal))
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
    // A proposal that is final ends the round, and the next trains from this version: its pin ends first.
    await ctx.published(round)
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

/** The other winners' endorsements of exactly this content, as they arrive, until `gatheringOver`. */
async function gather (ctx: ProviderContext, record: RoundVersionRecord, metrics: { accuracyBps: number, loss: bigint }, signal?: AbortSignal): Promise<SignerSignature[]> {
  const { clock, endorsementWaitMs, finalityWaitMs } = ctx.deps
  const others = record.winners.filter((w) => w.toLowerCase() !== ctx.account.toLowerCase()).length
  const needed = requiredSigners(ctx.onChain.confirmations, record.winners.length) - 1
  const wanted = await expected(ctx, record, metrics)
  const valid = new Map<string, SignerSignature>()
  const start = clock.now()
  for (;;) {
    for (const { endorsement, from } of ctx.endorsements.of(record.round)) {
      const key = `${endorsement.signer}/${endorsement.signature}`
      if (valid.has(key) || endorsement.signer === ctx.account.toLowerCase()) continue
      const check = await checkEndorsement(endorsement, from, wanted)
      if (check.ok) valid.set(key, { signer: endorsement.signer, signature: endorsement.signature })
      else refused(ctx, record.round, endorsement.signer, check)
    }
    const endorsed = new Set([...valid.values()].map((s) => s.signer)).size
    if (gatheringOver({ endorsed, others, needed, waitedMs: clock.now() - start, allWaitMs: endorsementWaitMs, finalityWaitMs })) return [...valid.values()]
    await clock.sleep(100, signal)
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
