/**
 * The provider loop: one volunteer's part in a task, as a polling state machine over the chain.
 *
 * Each tick reads the task and its current round and does the next thing that is due: join (with
 * stake), train an assigned shard (fetch the round's model, train H steps, pin the delta), commit
 * (the salt is persisted first), reveal, finalize a shard, recompute the round's version once every
 * shard is decided (fetch the accepted deltas, validate, aggregate, outer step, pin), propose it when
 * it is this provider's turn (the lowest address among the round's winners, or anyone after
 * `aggregatorTimeoutMs`), confirm versions others proposed when the commit hash matches, and
 * advance the task. Everything it needs to resume (salts, CIDs, what it proposed or confirmed) is
 * saved through the `ProviderStateStore` before the transaction that depends on it.
 */
import { concatHex, isAddressEqual, keccak256, toHex, type Address, type Hex } from 'viem'
import { ChainActionError, ContractRejectedError, newSalt, TransactionRevertedError, type RoundState, type ShardState, type TaskState } from '../chain/actions/index.ts'
import { decodeDelta } from '../core/delta/codec.ts'
import { fingerprint, fingerprintSeed } from '../core/fingerprint.ts'
import { shardIndices, stepSeed } from '../core/sampling.ts'
import type { TaskSpec } from '../core/taskSpec.ts'
import type { WeightLayout } from '../core/tensors.ts'
import { Emitter } from '../p2p/events.ts'
import { DEFAULT_LIMITS, type ArtifactLimits } from '../storage/limits.ts'
import { architectureFromSpec, weightLayout } from '../train/architecture.ts'
import type { TaskData } from './taskData.ts'
import { computeVersion, type AcceptedDelta } from './aggregation.ts'
import { decodeVersion, versionCommitHash } from './modelBlob.ts'
import { emptyState, stateKey, systemClock } from './state.ts'
import { PhaseClock, type RoundTimings } from './timing.ts'
import type {
  ArtifactStore, Clock, Evaluator, PendingResult, Phase, ProviderChain, ProviderEvents, ProviderState, ProviderStateStore,
  RoundVersionRecord, StepEvent, Trainer
} from './types.ts'

export interface ProviderLoopOptions {
  taskId: bigint
  /** The task's spec (the one behind its spec CID). */
  spec: TaskSpec
  /** The task's training samples (`mnistTaskData()` for the bundled MNIST). */
  data: TaskData
  chain: ProviderChain
  artifacts: ArtifactStore
  trainer: Trainer
  state: ProviderStateStore
  clock?: Clock
  /** Scores the versions this provider proposes (their accuracy and loss on chain); 0 without it. */
  evaluator?: Evaluator
  /** Stake to bond before joining when short of the task's minimum (default: the minimum). */
  stake?: { amount?: bigint, faucet?: boolean }
  /** Between two ticks (default 2 s). */
  pollIntervalMs?: number
  /** After a round is decided, how long others wait for its aggregator before proposing themselves (default 60 s). */
  aggregatorTimeoutMs?: number
  /** Limit for each fetch, training run and transaction (default 10 min). */
  stepTimeoutMs?: number
  /** Claim the rewards when the task completes (default false). */
  claimOnComplete?: boolean
  limits?: ArtifactLimits
}

export type LoopOutcome = 'completed' | 'cancelled' | 'not-joined'

export class StepTimeoutError extends Error {
  override name = 'StepTimeoutError'
}

/** Rejections that only mean someone else already did it, or the chain moved on since the last read. */
const BENIGN = new Set([
  'RoundUndecided', 'TaskNotActive', 'JoiningOpen', 'AggregationPending', // advance
  'ShardClosed', 'FinalizeTooEarly', 'RoundNotActive', // finalizeShard
  'AlreadyCommitted', 'AlreadyRevealed', // a commit or reveal that went through before a reload
  'InvalidVersionStatus', 'AlreadyConfirmed', 'RoundAlreadyFinal', 'RoundNotReady', 'StaleParent', // confirm, propose
  'ChallengeWindowClosed' // challenge
])

const resultKey = (round: number, shard: number, attempt: number): string => `${round}/${shard}/${attempt}`
const fullMask = (n: number): number => (1 << n) - 1
const byAddress = (a: Address, b: Address): number => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)

export class ProviderLoop extends Emitter<ProviderEvents> {
  readonly taskId: bigint
  private readonly chain: ProviderChain
  private readonly clock: Clock
  private readonly layout: WeightLayout
  private readonly limits: ArtifactLimits
  private readonly key: string
  private state: ProviderState
  private readonly decidedSeenAt = new Map<number, number>()
  private readonly models = new Map<string, Uint8Array>()
  private lastStep = ''
  private joinDueAt = 0
  private readonly proposalSeenAt = new Map<string, number>()
  private readonly phaseClock = new PhaseClock()

  constructor (private readonly opts: ProviderLoopOptions) {
    super()
    this.taskId = opts.taskId
    this.chain = opts.chain
    this.clock = opts.clock ?? systemClock
    this.layout = weightLayout(architectureFromSpec(opts.spec.model))
    this.limits = opts.limits ?? DEFAULT_LIMITS
    this.key = stateKey(opts.taskId, opts.chain.account)
    this.state = emptyState(opts.taskId, opts.chain.account)
  }

  get account (): Address { return this.chain.account }

  /** Wall time so far by round and category (train, transfer, chain, aggregate, wait). */
  timings (): Map<number, RoundTimings> { return this.phaseClock.timings(this.clock.now()) }

  /** A copy of the persisted state. */
  snapshot (): ProviderState { return structuredClone(this.state) }

  /** Runs until the task completes or is cancelled, or `signal` aborts (then rejects with its reason). */
  async run (signal?: AbortSignal): Promise<LoopOutcome> {
    this.state = (await this.opts.state.load(this.key)) ?? emptyState(this.taskId, this.account)
    const poll = this.opts.pollIntervalMs ?? 2000
    try {
      for (;;) {
        signal?.throwIfAborted()
        let outcome: LoopOutcome | null = null
        try {
          outcome = await this.tick(signal)
        } catch (error) {
          if (signal?.aborted === true) throw error
          this.emit('error', { phase: this.state.step?.phase ?? 'waiting', error, fatal: false })
        }
        if (outcome !== null) {
          await this.step({ phase: 'done', detail: outcome })
          return outcome
        }
        await this.clock.sleep(poll, signal)
      }
    } catch (error) {
      if (signal?.aborted === true) await this.step({ phase: 'stopped' }).catch(() => {})
      throw error
    }
  }

  /** One pass: does whatever is due now. Returns the outcome once there is nothing left to do. */
  async tick (signal?: AbortSignal): Promise<LoopOutcome | null> {
    const task = await this.chain.readTask(this.taskId)
    if (task.status === 'Cancelled') return 'cancelled'
    if (task.status === 'Completed') {
      await this.finish()
      return 'completed'
    }
    if (!this.state.joined) {
      if (await this.chain.isProvider(this.taskId)) {
        this.state.joined = true
        await this.save()
      } else if (task.status === 'Joining') {
        await this.join(task)
      } else {
        await this.step({ phase: 'done', detail: 'the joining window closed before this account joined' })
        return 'not-joined'
      }
    }
    if (task.status === 'Joining') {
      if (await this.chain.now() >= task.joinDeadline) {
        // The lowest-addressed provider starts round 0; the others only if it has not after a while.
        if (this.joinDueAt === 0) this.joinDueAt = this.clock.now()
        const [first] = (await this.chain.readProviders(this.taskId)).sort(byAddress)
        const waited = this.clock.now() - this.joinDueAt > (this.opts.aggregatorTimeoutMs ?? 60_000)
        if ((first !== undefined && isAddressEqual(first, this.account)) || waited) {
          await this.step({ phase: 'advancing', detail: 'the joining window is over: starting round 0' })
          await this.quietly('advancing', async () => {
            const outcome = await this.timed(this.chain.advance(this.taskId))
            this.emit('action', { name: 'advance', detail: outcome.kind })
          })
        } else {
          await this.step({ phase: 'waiting', detail: 'the joining window is over: waiting for round 0 to start' })
        }
      } else {
        await this.step({ phase: 'waiting', detail: `joined; round 0 starts after the joining window (chain time ${task.joinDeadline})` })
      }
      return null
    }

    const round = await this.chain.readRound(this.taskId, task.currentRound)
    const now = await this.chain.now()
    // One provider (the lowest address drawn this round) decides the fully revealed shards, so that
    // finalizations do not race; once a reveal window has passed, anyone may.
    const finalizer = round.shards.flatMap((s) => s.providers).sort(byAddress)[0]
    const iFinalize = finalizer !== undefined && isAddressEqual(finalizer, this.account)
    let busy = false
    for (const shard of round.shards) {
      if (shard.status !== 'Open') continue
      const replica = shard.providers.findIndex((p) => isAddressEqual(p, this.account))
      if (replica >= 0) {
        busy = true
        await this.workShard(task, round, shard, replica, now, signal)
      }
      if ((iFinalize && shard.revealedMask === fullMask(shard.providers.length)) || now >= shard.revealDeadline) {
        await this.finalizeShard(round.round, shard)
      }
    }
    if (round.decidedShards === Number(task.shards)) {
      await this.handleVersion(task, round, now, signal)
    } else if (!busy) {
      await this.step({ phase: 'waiting', round: round.round, detail: 'not drawn for a shard of this round: waiting for the next' })
    }
    return null
  }

  // ------------------------------------------------------------------ joining

  private async join (task: TaskState): Promise<void> {
    await this.step({ phase: 'joining' })
    const required = BigInt(task.minStake)
    const { staked } = await this.chain.readStake()
    if (staked < required) {
      const amount = this.opts.stake?.amount ?? required - staked
      if (this.opts.stake?.faucet === true) {
        await this.timed(this.chain.faucet())
        this.emit('action', { name: 'faucet' })
      }
      await this.timed(this.chain.stake(amount))
      this.emit('action', { name: 'stake', detail: amount.toString() })
    }
    await this.timed(this.chain.joinTask(this.taskId))
    this.emit('action', { name: 'joinTask' })
    this.state.joined = true
    await this.save()
  }

  // ------------------------------------------------------------------ one shard

  private async workShard (task: TaskState, round: RoundState, shard: ShardState, replica: number, now: bigint, signal?: AbortSignal): Promise<void> {
    const r = round.round
    const key = resultKey(r, shard.shard, shard.attempt)
    const bit = 1 << replica
    const committed = (shard.committedMask & bit) !== 0
    const revealed = (shard.revealedMask & bit) !== 0
    const all = fullMask(shard.providers.length)
    let pending = this.state.results[key]

    if (!committed) {
      if (now >= shard.commitDeadline) {
        await this.step({ phase: 'waiting', round: r, shard: shard.shard, detail: 'the commit window closed before this result was ready' })
        return
      }
      pending ??= await this.produce(task, r, shard, replica, signal)
      await this.submitResult('committing', pending, replica)
      return
    }
    if (!revealed) {
      if (pending === undefined) {
        this.emit('error', { phase: 'revealing', error: new Error(`no saved salt for round ${r} shard ${shard.shard}: this result cannot be revealed`), fatal: false })
        return
      }
      if (shard.committedMask !== all && now < shard.commitDeadline) {
        await this.step({ phase: 'waiting', round: r, shard: shard.shard, detail: 'committed; the reveal opens when every replica committed or the commit window ends' })
        return
      }
      await this.submitResult('revealing', pending, replica)
      return
    }
    await this.step({ phase: 'waiting', round: r, shard: shard.shard, detail: 'revealed; waiting for the shard to be decided' })
  }

  /**
   * Commits or reveals a saved result; both carry the same fields, and both are recorded in the
   * persisted state as soon as the chain accepted them, so a reload never sends one twice.
   */
  private async submitResult (phase: 'committing' | 'revealing', pending: PendingResult, replica: number): Promise<void> {
    const { round, shard } = pending
    await this.step({ phase, round, shard })
    const params = { taskId: this.taskId, round, shard, replica, deltaCid: pending.deltaCid, fingerprint: pending.fingerprint, salt: pending.salt }
    const sent = await this.quietly(phase, async () => {
      await this.timed<unknown>(phase === 'committing' ? this.chain.commitResult(params) : this.chain.revealResult(params))
    })
    if (!sent) return
    if (phase === 'committing') pending.committed = true
    else pending.revealed = true
    await this.save()
    this.emit('action', { name: phase === 'committing' ? 'commitResult' : 'revealResult', round, shard })
  }

  /** Fetch the round's model, train the shard, pin the delta, fingerprint it, and save it with a fresh salt. */
  private async produce (task: TaskState, round: number, shard: ShardState, replica: number, signal?: AbortSignal): Promise<PendingResult> {
    const { spec } = this.opts
    const key = resultKey(round, shard.shard, shard.attempt)
    // A re-queued shard trains the same computation again: reuse an earlier attempt's delta.
    const earlier = Object.values(this.state.results).find((p) => p.round === round && p.shard === shard.shard)
    let deltaCid: Hex
    let fp: number[]
    if (earlier !== undefined) {
      deltaCid = earlier.deltaCid
      fp = earlier.fingerprint
    } else {
      await this.step({ phase: 'fetching', round, shard: shard.shard })
      const parent = await this.chain.readModelHead(BigInt(task.modelId))
      const { weights } = decodeVersion(await this.model(parent, signal), { layout: this.layout, maxBytes: this.limits.model })
      const indices = this.shardIndices(task, round, shard.shard)
      await this.step({ phase: 'training', round, shard: shard.shard })
      const result = await this.bounded(async (bound) => await this.opts.trainer.train(
        { model: spec.model, training: spec.training, weights, data: this.opts.data.shard(indices), seed: stepSeed(spec, round, shard.shard) },
        { onProgress: (progress) => { this.emit('progress', { round, shard: shard.shard, progress }) }, signal: bound }
      ), signal)
      await this.step({ phase: 'uploading', round, shard: shard.shard })
      deltaCid = await this.bounded(async (bound) => await this.opts.artifacts.put(result.delta, 'delta', { signal: bound }), signal)
      // The fingerprint of what was pinned: the decoded delta, as any checker will see it.
      const decoded = decodeDelta(result.delta, { expected: this.layout, maxBytes: this.limits.delta })
      fp = Array.from(fingerprint(decoded, { length: Number(task.fingerprintLength), seed: fingerprintSeed(spec, round, shard.shard), resolution: spec.fingerprint.resolution }))
    }
    const pending: PendingResult = { round, shard: shard.shard, attempt: shard.attempt, replica, deltaCid, fingerprint: fp, salt: newSalt(), committed: false, revealed: false }
    this.state.results[key] = pending
    await this.save() // the salt is on disk before the commit that needs it is sent
    return pending
  }

  private async finalizeShard (round: number, shard: ShardState): Promise<void> {
    await this.step({ phase: 'finalizing', round, shard: shard.shard })
    await this.quietly('finalizing', async () => {
      const { outcome } = await this.timed(this.chain.finalizeShard(this.taskId, round, shard.shard))
      this.emit('action', { name: 'finalizeShard', round, shard: shard.shard, detail: outcome.kind })
    }, { round, shard: shard.shard })
  }

  // ------------------------------------------------------------------ the round's version

  private async handleVersion (task: TaskState, round: RoundState, now: bigint, signal?: AbortSignal): Promise<void> {
    const r = round.round
    if (round.versionId !== 0n) {
      await this.advance(round, r)
      return
    }
    if (!this.decidedSeenAt.has(r)) this.decidedSeenAt.set(r, this.clock.now())
    const accepted = await this.chain.readAccepted(this.taskId, r)
    if (accepted.length === 0) {
      // Every shard failed: no version this round; the task moves on after the aggregation window.
      if (now >= round.decidedAt + BigInt(task.aggregateWindow)) await this.advance(round, r)
      else await this.step({ phase: 'waiting', round: r, detail: 'no shard was accepted: waiting out the aggregation window' })
      return
    }
    let record = this.state.versions[String(r)]
    if (record === undefined) {
      record = await this.recompute(task, round, accepted, signal)
      this.state.versions[String(r)] = record
      await this.save()
    }
    const mine = record
    const proposals = await this.chain.readProposals(this.taskId, r)
    const versions = new Map(await Promise.all(proposals.map(async (p) => [p.versionId, await this.chain.readVersion(p.versionId)] as const)))
    const same = (hash: Hex): boolean => hash.toLowerCase() === mine.commitHash.toLowerCase()
    // Someone already proposed what this provider computed: confirm it rather than propose again.
    const matching = [...versions.values()].some((v) => same(v.commitHash) && (v.status === 'Proposed' || v.status === 'Final'))
    const aggregator = mine.winners[0]
    const timedOut = this.clock.now() - (this.decidedSeenAt.get(r) ?? 0) > (this.opts.aggregatorTimeoutMs ?? 60_000)
    const myTurn = (aggregator !== undefined && isAddressEqual(aggregator, this.account)) || timedOut
    if (mine.proposed === undefined && !matching && myTurn) {
      await this.propose(r, mine, signal)
    }
    for (const proposal of proposals) {
      const id = proposal.versionId.toString()
      if (isAddressEqual(proposal.aggregator, this.account) || mine.confirmed.includes(id) || mine.mismatched.includes(id)) continue
      const version = versions.get(proposal.versionId)
      if (version?.status !== 'Proposed') continue
      if (!same(version.commitHash) || version.parent.toString() !== mine.parent) {
        mine.mismatched.push(id)
        await this.save()
        this.emit('error', { phase: 'confirming', error: new Error(`version ${id} of round ${r} has commit hash ${version.commitHash}; this provider computed ${mine.commitHash}`), fatal: false })
        await this.challenge(r, proposal.versionId, mine)
        continue
      }
      if (await this.chain.hasConfirmed(proposal.versionId)) {
        mine.confirmed.push(id)
        await this.save()
        continue
      }
      // The first `confirmations` winners other than the aggregator confirm at once; the rest
      // step in when the version is still unconfirmed after `aggregatorTimeoutMs`.
      const confirmers = mine.winners.filter((w) => !isAddressEqual(w, proposal.aggregator))
      const rank = confirmers.findIndex((w) => isAddressEqual(w, this.account))
      if (!this.proposalSeenAt.has(id)) this.proposalSeenAt.set(id, this.clock.now())
      const late = this.clock.now() - (this.proposalSeenAt.get(id) ?? 0) > (this.opts.aggregatorTimeoutMs ?? 60_000)
      if (!late && (rank < 0 || rank >= Number(task.confirmations))) continue
      await this.step({ phase: 'confirming', round: r, detail: `version ${id}` })
      const sent = await this.quietly('confirming', async () => {
        const { final } = await this.timed(this.chain.confirmVersion(proposal.versionId, mine.commitHash))
        this.emit('action', { name: 'confirmVersion', round: r, versionId: proposal.versionId, detail: final ? 'final' : 'confirmed' })
      })
      if (sent) {
        mine.confirmed.push(id)
        await this.save()
      }
    }
    // A proposal nobody confirmed becomes final once its challenge window passes; anyone may finalize it.
    for (const proposal of proposals) {
      const version = versions.get(proposal.versionId)
      if (version?.status === 'Proposed' && same(version.commitHash) && now >= version.challengeDeadline && version.challengeDeadline > 0n) {
        await this.quietly('confirming', async () => { await this.timed(this.chain.finalizeVersion(proposal.versionId)) })
      }
    }
    if (proposals.length === 0 && mine.proposed === undefined) {
      await this.step({ phase: 'waiting', round: r, detail: `recomputed the version (${mine.commitHash.slice(0, 10)}…); waiting for the aggregator ${aggregator ?? ''}` })
    }
  }

  /**
   * Disputes a version this provider recomputed differently. The reason is the commit hash of its
   * own result, which it pins and proposes in turn, so anyone can compare the two blobs.
   */
  private async challenge (round: number, versionId: bigint, mine: RoundVersionRecord): Promise<void> {
    const id = versionId.toString()
    if (mine.challenged?.includes(id) === true) return
    await this.step({ phase: 'confirming', round, detail: `challenging version ${id}: it differs from the version recomputed here` })
    const sent = await this.quietly('confirming', async () => {
      await this.timed(this.chain.challengeVersion(versionId, mine.commitHash))
      this.emit('action', { name: 'challengeVersion', round, versionId, detail: mine.commitHash })
    }, { round })
    if (sent) {
      mine.challenged = [...(mine.challenged ?? []), id]
      await this.save()
    }
  }

  /** Fetches the accepted deltas and computes the round's version; pins it. */
  private async recompute (task: TaskState, round: RoundState, accepted: Awaited<ReturnType<ProviderChain['readAccepted']>>, signal?: AbortSignal): Promise<RoundVersionRecord> {
    const r = round.round
    await this.step({ phase: 'aggregating', round: r })
    const parent = await this.chain.readModelHead(BigInt(task.modelId))
    const parentBytes = await this.model(parent, signal)
    const latest = new Map<number, (typeof accepted)[number]>()
    for (const a of accepted) if ((latest.get(a.shard)?.attempt ?? -1) < a.attempt) latest.set(a.shard, a)
    const deltas: AcceptedDelta[] = []
    const winners = new Set<Address>()
    for (const a of [...latest.values()].sort((x, y) => x.shard - y.shard)) {
      const shard = round.shards[a.shard]
      shard?.providers.forEach((p, i) => { if ((a.winnersMask & (1 << i)) !== 0) winners.add(p.toLowerCase() as Address) })
      const revealed = await this.chain.readRevealed(this.taskId, r, a.shard, a.attempt)
      const chosen = revealed.find((x) => x.replica === a.center) ?? revealed.find((x) => (a.winnersMask & (1 << x.replica)) !== 0)
      if (chosen === undefined) throw new ChainActionError('aggregate', `no revealed result for accepted shard ${a.shard} of round ${r}`)
      const bytes = await this.bounded(async (bound) => await this.opts.artifacts.get(chosen.deltaCid, 'delta', { signal: bound }), signal)
      deltas.push({ shard: a.shard, cid: chosen.deltaCid, bytes })
    }
    const computed = computeVersion(this.opts.spec, this.layout, parentBytes, deltas, { maxDeltaBytes: this.limits.delta, maxModelBytes: this.limits.model })
    const refused = [...computed.verdicts].filter(([, v]) => !v.ok)
    if (refused.length > 0) this.emit('error', { phase: 'aggregating', error: new Error(`refused deltas: ${refused.map(([id, v]) => `${id} (${v.ok ? '' : v.message})`).join('; ')}`), fatal: false })
    const modelCid = await this.bounded(async (bound) => await this.opts.artifacts.put(computed.bytes, 'model', { signal: bound }), signal)
    this.models.set(modelCid.toLowerCase(), computed.bytes)
    const dataHash = this.dataHash(task, r, computed.used.map((d) => d.shard))
    this.emit('action', { name: 'recompute', round: r, detail: computed.commitHash })
    return {
      round: r, parent: parent.toString(), modelCid, commitHash: computed.commitHash, deltaRoot: computed.deltaRoot, dataHash,
      winners: [...winners].sort(byAddress), confirmed: [], mismatched: []
    }
  }

  private shardIndices (task: TaskState, round: number, shard: number): Uint32Array {
    return shardIndices(this.opts.spec, {
      datasetSize: this.opts.data.size, round, shard, shardCount: Number(task.shards), samplesPerShard: this.opts.spec.training.samplesPerShard
    })
  }

  /** keccak256 of the sample indices the counted shards trained on, in shard order. */
  private dataHash (task: TaskState, round: number, shards: number[]): Hex {
    const parts = shards.map((shard) => {
      const indices = this.shardIndices(task, round, shard)
      return toHex(new Uint8Array(indices.buffer, indices.byteOffset, indices.byteLength))
    })
    return keccak256(parts.length === 0 ? '0x' : concatHex(parts))
  }

  /** Proposes the version; a failure is reported and retried next tick, and does not stop this tick's confirmations. */
  private async propose (round: number, record: RoundVersionRecord, signal?: AbortSignal): Promise<void> {
    try {
      await this.proposeNow(round, record, signal)
    } catch (error) {
      if (signal?.aborted === true) throw error
      this.emit('error', { phase: 'proposing', error, fatal: false, round })
    }
  }

  private async proposeNow (round: number, record: RoundVersionRecord, signal?: AbortSignal): Promise<void> {
    await this.step({ phase: 'proposing', round })
    let accuracy = 0
    let loss = 0
    if (this.opts.evaluator !== undefined) {
      const { weights } = decodeVersion(await this.model(BigInt(0), signal, record.modelCid), { layout: this.layout, maxBytes: this.limits.model })
      const evaluator = this.opts.evaluator
      const scores = await this.bounded(async (bound) => await evaluator.evaluate(this.opts.spec.model, weights, { signal: bound }), signal)
      accuracy = scores.accuracy
      loss = scores.loss
    }
    await this.quietly('proposing', async () => {
      const versionId = await this.timed(this.chain.proposeVersion(this.taskId, round, BigInt(record.parent), {
        modelCid: record.modelCid,
        commitHash: record.commitHash,
        deltaRoot: record.deltaRoot,
        dataHash: record.dataHash,
        accuracyBps: Math.max(0, Math.min(10_000, Math.round(accuracy * 10_000))),
        loss: BigInt(Math.max(0, Math.round(loss * 1e6)))
      }))
      record.proposed = versionId.toString()
      await this.save()
      this.emit('action', { name: 'proposeVersion', round, versionId })
    })
  }

  /**
   * Starts the next round (or completes the task). The round's aggregator goes first; the others
   * after `aggregatorTimeoutMs`, so that a handful of providers do not race for one transaction.
   */
  private async advance (round: RoundState, r: number): Promise<void> {
    const aggregator = this.state.versions[String(r)]?.winners[0]
    if (!this.decidedSeenAt.has(r)) this.decidedSeenAt.set(r, this.clock.now())
    const waited = this.clock.now() - (this.decidedSeenAt.get(r) ?? 0) > (this.opts.aggregatorTimeoutMs ?? 60_000)
    if (aggregator !== undefined && !isAddressEqual(aggregator, this.account) && !waited) {
      await this.step({ phase: 'waiting', round: r, detail: round.versionId !== 0n ? `version ${round.versionId} is final; waiting for the next round` : 'waiting for the next round' })
      return
    }
    await this.step({ phase: 'advancing', round: r })
    await this.quietly('advancing', async () => {
      const outcome = await this.timed(this.chain.advance(this.taskId))
      this.emit('action', { name: 'advance', round: r, detail: outcome.kind })
    }, { round: r })
  }

  private async finish (): Promise<void> {
    if (this.opts.claimOnComplete !== true) return
    if (await this.chain.readClaimable() === 0n) return
    await this.step({ phase: 'claiming' })
    const amount = await this.timed(this.chain.claim())
    this.emit('action', { name: 'claim', detail: amount.toString() })
  }

  // ------------------------------------------------------------------ helpers

  /** A version's blob by version id (or by `cid`), checked against the commit hash on chain. */
  private async model (versionId: bigint, signal?: AbortSignal, cid?: Hex): Promise<Uint8Array> {
    let modelCid = cid
    let commitHash: Hex | undefined
    if (modelCid === undefined) {
      const version = await this.chain.readVersion(versionId)
      modelCid = version.modelCid
      commitHash = version.commitHash
    }
    const cached = this.models.get(modelCid.toLowerCase())
    if (cached !== undefined) return cached
    const bytes = await this.bounded(async (bound) => await this.opts.artifacts.get(modelCid, 'model', { signal: bound }), signal)
    if (commitHash !== undefined && versionCommitHash(bytes).toLowerCase() !== commitHash.toLowerCase()) {
      throw new Error(`the model behind ${modelCid} does not match version ${versionId}'s commit hash ${commitHash}`)
    }
    this.models.set(modelCid.toLowerCase(), bytes)
    return bytes
  }

  /**
   * Runs a transaction that may lose a race (another provider advanced, finalized or confirmed
   * first): a rejection or a revert is reported as a non-fatal error and the next tick re-reads
   * the chain. Returns whether it went through.
   */
  private async quietly (phase: Phase, fn: () => Promise<void>, where: { round?: number, shard?: number } = {}): Promise<boolean> {
    try {
      await fn()
      return true
    } catch (error) {
      if (error instanceof ContractRejectedError && BENIGN.has(error.errorName ?? '')) {
        // Another provider got there first (or the chain moved on): nothing to do.
        this.emit('action', { name: `${error.action} skipped`, ...where, detail: error.errorName })
        return false
      }
      if (error instanceof ContractRejectedError || error instanceof TransactionRevertedError) {
        this.emit('error', { phase, error, fatal: false, ...where })
        return false
      }
      throw error
    }
  }

  /**
   * Work that listens to a signal (training, transfers, scoring): the signal it gets aborts when
   * `signal` does or after `stepTimeoutMs`, which then rejects with StepTimeoutError.
   */
  private async bounded<T> (work: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal): Promise<T> {
    const ms = this.opts.stepTimeoutMs ?? 600_000
    const inner = new AbortController()
    const onAbort = (): void => { inner.abort(signal?.reason) }
    if (signal?.aborted === true) onAbort()
    signal?.addEventListener('abort', onAbort, { once: true })
    const timer = new AbortController()
    const timeout = this.clock.sleep(ms, timer.signal).then(() => {
      const error = new StepTimeoutError(`a step took longer than ${ms} ms`)
      inner.abort(error)
      throw error
    })
    timeout.catch(() => {}) // settles (aborted) after the work wins: not an unhandled rejection
    try {
      return await Promise.race([work(inner.signal), timeout])
    } finally {
      signal?.removeEventListener('abort', onAbort)
      timer.abort()
    }
  }

  /** A transaction or read: rejects with StepTimeoutError after `stepTimeoutMs` (or when `signal` aborts). */
  private async timed<T> (work: Promise<T>, signal?: AbortSignal): Promise<T> {
    const ms = this.opts.stepTimeoutMs ?? 600_000
    const stop = new AbortController()
    const onAbort = (): void => { stop.abort(signal?.reason) }
    signal?.addEventListener('abort', onAbort, { once: true })
    try {
      const timeout = this.clock.sleep(ms, stop.signal).then(() => { throw new StepTimeoutError(`a step took longer than ${ms} ms`) })
      timeout.catch(() => {}) // settles (aborted) after the work wins: not an unhandled rejection
      return await Promise.race([work, timeout])
    } finally {
      signal?.removeEventListener('abort', onAbort)
      stop.abort()
    }
  }

  private async step (step: StepEvent): Promise<void> {
    const id = JSON.stringify(step)
    if (id === this.lastStep) return
    this.lastStep = id
    this.phaseClock.enter(step.phase, step.round, this.clock.now())
    this.state.step = step
    await this.save()
    this.emit('step', step)
  }

  private async save (): Promise<void> {
    await this.opts.state.save(this.key, this.state)
  }
}
