/**
 * The referee service: it settles split shards and judges challenged versions. For every
 * `ShardDisputed` attempt still open, it checks each revealed replica's bytes against what it
 * committed and revealed, re-executes the shard itself (node/referee/reexecute.ts), judges
 * (src/core/referee/judge.ts) and submits the verdict with `resolveSplit`, naming the sha256 of
 * its evidence report, which lists everything it found and which it publishes first (the hash is
 * the report's IPFS block, src/core/referee/evidence.ts), so anyone can repeat the judgement. It
 * audits accepted shards the same way: each `ShardAccepted` it did not decide itself is drawn for an
 * audit with probability `auditRate` when the referee first sees it (after acceptance, so nobody
 * knows beforehand which results will be re-executed), and every winner the audit finds wrong is
 * slashed with `slash`, forfeiting its reward. For
 * every open `VersionChallenged`, it recomputes the round's version from the accepted results as
 * every winner does (src/provider/recompute.ts) and upholds the challenge when the proposal's
 * commit hash, delta root, data hash or model bytes differ from it, else dismisses it. It holds
 * REFEREE_ROLE and nothing else; it never reports or challenges. Whatever it cannot settle before
 * its deadline lapses on chain: nobody is slashed, bonds come back, the round moves on.
 */
import { zeroAddress, zeroHash, type Hex } from 'viem'
import {
  ContractRejectedError, executeSlash, logsFrom, readSlashesMade, type PendingSlash, readAcceptedShards, readChallenges, readOpenResultChallenge, readResultChallenges, resolveResultChallenge, type ResultChallenge, readDisputes, readFingerprintSeed, readModel, readOpenChallenge, readRevealed, readRound, readTask, readTaskCreation, readVersion,
  readVersionSignatures, resolveChallenge, resolveSplit, slashCosigner, slashResult, type AcceptedShardEvent, type SlashReason, type Dispute, type ReadContext, type VersionChallenge, type WriteContext
} from '../../src/chain/actions/index.ts'
import { MLBridgeError } from '../../src/core/errors.ts'
import { Emitter } from '../../src/core/events.ts'
import { encodeEvidence } from '../../src/core/referee/evidence.ts'
import { agreesWithSome, judgeAudit, judgeSplit, type JudgedReplica, type SplitVerdict } from '../../src/core/referee/judge.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../../src/core/taskDefinition.ts'
import { checkWinners } from '../../src/core/version/deltaCheck.ts'
import { roundReader } from '../../src/provider/chain.ts'
import type { PreparedTask } from '../../src/provider/host.ts'
import { readVersionModel, recheckVersion } from '../../src/provider/recheckVersion.ts'
import { systemClock } from '../../src/provider/state.ts'
import type { ArtifactStore } from '../../src/provider/types.ts'
import { DEFAULT_LIMITS, type ArtifactLimits } from '../../src/storage/limits.ts'
import { operatorLogger } from '../observability/log.ts'
import { reexecuteShard, type Reexecution } from './reexecute.ts'

export interface RefereeOptions {
  read: ReadContext
  /** the referee's own account (REFEREE_ROLE) */
  write: WriteContext
  artifacts: (taskId: bigint) => ArtifactStore
  /**
   * keeps an evidence report's bytes available under the task (a pin on the pinner): called, and
   * awaited, before the verdict that names the report goes on chain
   */
  publish: (taskId: bigint, report: Uint8Array) => Promise<unknown>
  /** the task's training data and an in-process trainer, as a headless provider prepares them */
  prepare: (definition: TaskDefinition, signal: AbortSignal) => Promise<Pick<PreparedTask, 'data' | 'trainer'>>
  /** slash only beyond the task's tolerance plus this multiple of it (CPU against GPU noise) @default 1 */
  marginFactor?: number
  /** how often to look for new disputes @default 1000 */
  pollIntervalMs?: number
  /**
   * the share of accepted shards it audits: a winner caught loses the task's stake and its
   * unclaimed rewards, so cheating pays only while the rate is below reward / (stake + reward);
   * lower it only where re-execution is costly @default 1
   */
  auditRate?: number
  /** uniform in [0, 1), draws the audits @default Math.random */
  random?: () => number
  limits?: ArtifactLimits
  /** one structured line per event; default: the operator's log (stdout) */
  log?: (line: RefereeLogLine) => void
}

export interface RefereeLogLine {
  level: 'info' | 'warn' | 'error'
  event: 'verdict' | 'abstained' | 'skipped' | 'failed' | 'challenge upheld' | 'challenge dismissed' | 'audit passed' | 'audit slashed' | 'result challenge upheld' | 'result challenge dismissed' | 'slash executed'
  taskId: string
  round: number
  /** -1 for a version challenge */
  shard: number
  attempt: number
  [detail: string]: unknown
}

/** What the referee found about a challenged version. */
export interface ChallengeJudgement {
  versionId: bigint
  taskId: bigint
  round: number
  /** the fields in which the proposal differs from the recomputation (empty: dismissed) */
  differences: string[]
  uphold: boolean
  /** `versionClaim` of the recomputation, which a rightful challenger claimed */
  claim: Hex
}

/** What the referee found about one split (or audited) attempt: the content its evidence hash names. */
export interface EvidenceReport {
  type: 'mlbridge/referee-verdict/1' | 'mlbridge/referee-audit/1' | 'mlbridge/referee-result-challenge/1'
  chainId: number
  verifier: Hex
  taskId: string
  round: number
  shard: number
  attempt: number
  fingerprintSeed: number
  tolerance: number
  margin: number
  reexecution: { fingerprint: number[], backend: string, durationMs: number, tfjs: string }
  replicas: JudgedReplica[]
  outcome:
  | { kind: 'verdict', winnersMask: number }
  | { kind: 'abstain', reason: string }
  /** an audit (or a result challenge): `winnersMask` the replicas examined, `slashedMask` those found wrong */
  | { kind: 'audit', winnersMask: number, slashedMask: number }
}

/** A split attempt or an accepted one: whatever the referee re-executes. */
interface Attempt {
  taskId: bigint
  round: number
  shard: number
  attempt: number
  /** the block the dispute or acceptance was in: the model head then is the round's parent */
  blockNumber: bigint
}

export type RefereeEvents = {
  /** a verdict landed on chain */
  verdict: { dispute: Dispute, report: EvidenceReport, evidence: Hex }
  /** no replica agrees with the re-execution: the dispute is left to lapse */
  abstained: { dispute: Dispute, report: EvidenceReport }
  /** a challenge verdict landed on chain */
  challenge: ChallengeJudgement
  /** an accepted shard was audited (and its wrong winners slashed, `evidence` naming the report) */
  audit: { accepted: AcceptedShardEvent, report: EvidenceReport, evidence: Hex }
  /** a result challenge was resolved */
  resultChallenge: { challenge: ResultChallenge, report: EvidenceReport, evidence: Hex, upheld: boolean }
}

export interface RefereeCounters {
  disputes: number
  verdicts: number
  slashed: number
  abstentions: number
  challenges: number
  upheld: number
  dismissed: number
  audits: number
  auditSlashes: number
  resultChallenges: number
  resultChallengesUpheld: number
  /** signers of versions it found forged, slashed after the verdict (anyone may; the referee does not wait for someone to) */
  cosignersSlashed: number
  /** slashes it executed once their appeal delay passed (anyone may; the referee does not wait for someone to) */
  slashesExecuted: number
  failures: number
}

/** tfjs as the referee runs it (pinned in package.json): part of every evidence report. */
const TFJS_VERSION = '4.22.0'

export class Referee extends Emitter<RefereeEvents> {
  readonly counters: RefereeCounters = { disputes: 0, verdicts: 0, slashed: 0, abstentions: 0, challenges: 0, upheld: 0, dismissed: 0, audits: 0, auditSlashes: 0, resultChallenges: 0, resultChallengesUpheld: 0, cosignersSlashed: 0, slashesExecuted: 0, failures: 0 }
  // Each block is scanned once, so every dispute and challenge is queued once.
  private readonly disputes = new Map<string, Dispute>()
  private readonly challenges = new Map<bigint, VersionChallenge>()
  /** versions an upheld challenge rejected, whose co-signers are still to be slashed */
  private readonly forgedVersions = new Map<bigint, bigint>()
  private readonly audits = new Map<string, AcceptedShardEvent>()
  // A shard its own verdict accepted is not audited.
  private readonly disputed = new Set<string>()
  private readonly resultChallenges = new Map<string, ResultChallenge>()
  private readonly pendingSlashes = new Map<bigint, PendingSlash>()
  /** re-executions' findings, kept while they wait for the task to be calibrated */
  private readonly reports = new Map<string, EvidenceReport>()
  /** tasks where a re-execution agreed with some revealed replica */
  private readonly calibrated = new Set<bigint>()
  private readonly tasks = new Map<bigint, Promise<{ definition: TaskDefinition, prepared: Pick<PreparedTask, 'data' | 'trainer'> }>>()
  /** the last block read; nothing before the deployment block needs reading */
  private scannedTo: bigint
  private readonly logger = operatorLogger('referee')

  constructor (private readonly opts: RefereeOptions) {
    super()
    this.scannedTo = logsFrom(opts.read) - 1n
  }

  /** Whether everything up to block `head` is read and settled (nothing queued: disputes, challenges, audits). */
  settledTo (head: bigint): boolean {
    return this.scannedTo >= head && this.disputes.size + this.challenges.size + this.audits.size + this.resultChallenges.size === 0
  }

  /** Settles disputes as they appear until `signal` aborts. */
  async run (signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick(signal)
      } catch (error) {
        if (signal.aborted) break
        this.log({ level: 'error', event: 'failed', taskId: '-', round: -1, shard: -1, attempt: -1, reason: message(error) })
      }
      await systemClock.sleep(this.opts.pollIntervalMs ?? 1000, signal).catch(() => {})
    }
  }

  /** One pass: read new disputes and challenges, then try every open one. */
  async tick (signal: AbortSignal): Promise<void> {
    const head = await this.opts.read.publicClient.getBlockNumber({ cacheTime: 0 })
    if (head > this.scannedTo) {
      const range = { fromBlock: this.scannedTo + 1n, toBlock: head }
      for (const dispute of await readDisputes(this.opts.read, range)) {
        this.disputes.set(keyOf(dispute), dispute)
        this.disputed.add(keyOf(dispute))
        this.counters.disputes++
      }
      const rate = this.opts.auditRate ?? 1
      const random = this.opts.random ?? Math.random
      for (const challenge of await readResultChallenges(this.opts.read, range)) {
        this.resultChallenges.set(`${keyOf(challenge.ref)}/${challenge.ref.replica}`, challenge)
        this.counters.resultChallenges++
      }
      for (const accepted of await readAcceptedShards(this.opts.read, range)) {
        if (this.disputed.has(keyOf(accepted)) || random() >= rate) continue
        this.audits.set(keyOf(accepted), accepted)
        this.counters.audits++
      }
      for (const challenge of await readChallenges(this.opts.read, range)) {
        this.challenges.set(challenge.versionId, challenge)
        this.counters.challenges++
      }
      for (const slash of await readSlashesMade(this.opts.read, range)) this.pendingSlashes.set(slash.id, slash)
      this.scannedTo = head
    }
    await this.work(this.challenges, async (c) => await this.settleChallenge(c, signal), (c) => ({ taskId: '-', round: -1, shard: -1, attempt: -1, versionId: c.versionId.toString() }), signal)
    await this.work(this.disputes, async (d) => await this.settle(d, signal), where, signal)
    await this.work(this.audits, async (a) => await this.settleAudit(a, signal), where, signal)
    await this.work(this.resultChallenges, async (c) => await this.settleResultChallenge(c, signal), (c) => where(c.ref), signal)
    await this.work(this.forgedVersions, async (versionId) => await this.slashCosigners(versionId), (versionId) => ({ taskId: '-', round: -1, shard: -1, attempt: -1, versionId: versionId.toString() }), signal)
    // one read of the chain's time serves every pending slash
    const now = this.pendingSlashes.size === 0 ? 0n : (await this.opts.read.publicClient.getBlock({ blockTag: 'latest' })).timestamp
    await this.work(this.pendingSlashes, async (s) => await this.executeWhenDue(s, now), (s) => ({ taskId: '-', round: -1, shard: -1, attempt: -1, slash: s.id.toString() }), signal)
  }

  /** Executes a slash once its appeal delay passed (chain time `now`); true once it is executed or overturned. */
  private async executeWhenDue (slash: PendingSlash, now: bigint): Promise<boolean> {
    if (now < slash.executableAt) return false
    try {
      await executeSlash(this.opts.write, { id: slash.id })
    } catch (error) {
      // Overturned on appeal, or executed by someone else.
      if (error instanceof ContractRejectedError && error.errorName === 'NoPendingSlash') return true
      throw error
    }
    this.counters.slashesExecuted++
    this.log({ level: 'info', event: 'slash executed', taskId: '-', round: -1, shard: -1, attempt: -1, slash: slash.id.toString(), provider: slash.provider, reporter: slash.reporter })
    return true
  }

  /** Tries each queued item: a settled one leaves the queue, a failure is logged, counted and tried again next tick. */
  private async work<K, T> (queue: Map<K, T>, settle: (item: T) => Promise<boolean>, at: (item: T) => Pick<RefereeLogLine, 'taskId' | 'round' | 'shard' | 'attempt'> & Record<string, unknown>, signal: AbortSignal): Promise<void> {
    for (const [key, item] of queue) {
      if (signal.aborted) return
      try {
        if (await settle(item)) queue.delete(key)
      } catch (error) {
        if (signal.aborted) return
        this.counters.failures++
        this.log({ ...at(item), level: 'error', event: 'failed', reason: message(error) })
      }
    }
  }

  /** Judges one dispute and submits the verdict; false when it should be tried again later. */
  private async settle (dispute: Dispute, signal: AbortSignal): Promise<boolean> {
    const { read } = this.opts
    const [round, block] = await Promise.all([readRound(read, { taskId: dispute.taskId }), read.publicClient.getBlock({ blockTag: 'latest' })])
    const shard = round.shards[dispute.shard]
    const open = round.round === dispute.round && shard?.status === 'Disputed' && shard.attempt === dispute.attempt
    if (!open || block.timestamp >= dispute.refereeDeadline) {
      this.log({ ...where(dispute), level: 'info', event: 'skipped', reason: open ? 'the referee window has ended' : 'the shard is no longer disputed' })
      return true
    }
    const report = await this.judge(dispute, signal)
    if (report.outcome.kind === 'abstain') {
      this.counters.abstentions++
      this.log({ ...where(dispute), level: 'warn', event: 'abstained', reason: report.outcome.reason, replicas: report.replicas })
      this.emit('abstained', { dispute, report })
      return true
    }
    const evidence = await this.publish(dispute.taskId, report)
    await resolveSplit(this.opts.write, { taskId: dispute.taskId, round: dispute.round, shard: dispute.shard, winnersMask: report.outcome.winnersMask, evidence })
    const slashed = report.replicas.filter((r) => r.fault !== undefined)
    this.counters.verdicts++
    this.counters.slashed += slashed.length
    this.log({ ...where(dispute), level: 'info', event: 'verdict', winnersMask: report.outcome.winnersMask, slashed: slashed.map((r) => ({ provider: r.provider, reason: r.fault })), evidence, reexecutionMs: Math.round(report.reexecution.durationMs) })
    this.emit('verdict', { dispute, report, evidence })
    return true
  }

  /** Audits an accepted shard and slashes every winner it finds wrong; false when it should be tried again later. */
  private async settleAudit (accepted: AcceptedShardEvent, signal: AbortSignal): Promise<boolean> {
    const report = await this.audit(accepted, signal)
    // Kept (with its re-execution) until the referee's runs of this task are known to be sound.
    if (report.outcome.kind === 'abstain') return false
    const slashedMask = report.outcome.kind === 'audit' ? report.outcome.slashedMask : 0
    const slashed = report.replicas.filter((r) => (slashedMask & (1 << r.replica)) !== 0)
    // A passed audit sends nothing, so it has nothing to publish.
    const evidence = slashed.length > 0 ? await this.publish(accepted.taskId, report) : evidenceHash(report)
    const { taskId, round, shard, attempt } = accepted
    for (const r of slashed) {
      try {
        await slashResult(this.opts.write, { ref: { taskId, round, shard, attempt, replica: r.replica }, reason: slashReasonOf(r), evidence })
      } catch (error) {
        // A retry after a partial pass finds the earlier slashes done.
        if (!(error instanceof ContractRejectedError && error.errorName === 'AlreadySlashed')) throw error
      }
    }
    this.counters.auditSlashes += slashed.length
    this.log({
      ...where(accepted), level: slashed.length > 0 ? 'warn' : 'info', event: slashed.length > 0 ? 'audit slashed' : 'audit passed',
      outcome: report.outcome, slashed: slashed.map((r) => ({ provider: r.provider, reason: r.fault })), evidence, reexecutionMs: Math.round(report.reexecution.durationMs)
    })
    this.emit('audit', { accepted, report, evidence })
    return true
  }

  /**
   * Re-executes an accepted shard and names the winners that do not agree with it (nothing is
   * sent). Like a split, it slashes nobody when no revealed replica agrees with its own run.
   */
  async audit (accepted: AcceptedShardEvent, signal: AbortSignal): Promise<EvidenceReport> {
    return await this.examine(accepted, accepted.winnersMask, 'mlbridge/referee-audit/1', signal)
  }

  /**
   * Judges the replicas in `mask` of an attempt as an audit does; an abstaining judgement keeps
   * its re-execution for the next try.
   */
  private async examine (attempt: Attempt, mask: number, type: EvidenceReport['type'], signal: AbortSignal): Promise<EvidenceReport> {
    const key = keyOf(attempt)
    let report = this.reports.get(key)
    if (report === undefined) {
      report = await this.judge(attempt, signal)
      this.reports.set(key, report)
    }
    const verdict: SplitVerdict = report.outcome.kind === 'verdict'
      ? { kind: 'verdict', winnersMask: report.outcome.winnersMask, replicas: report.replicas }
      : { kind: 'abstain', reason: report.outcome.kind === 'abstain' ? report.outcome.reason : '', replicas: report.replicas }
    const outcome = judgeAudit(verdict, mask, this.calibrated.has(attempt.taskId))
    if (outcome.kind === 'audit') this.reports.delete(key)
    return { ...report, type, outcome }
  }

  /** Judges an open result challenge and resolves it; false when it should be tried again later. */
  private async settleResultChallenge (challenge: ResultChallenge, signal: AbortSignal): Promise<boolean> {
    const { read } = this.opts
    const { ref } = challenge
    const [open, block] = await Promise.all([readOpenResultChallenge(read, { ref }), read.publicClient.getBlock({ blockTag: 'latest' })])
    if (open.challenger === zeroAddress || block.timestamp >= open.resolveBy) return true
    // The round's parent is the head as of the attempt's acceptance (a challenge may come after its version).
    const accepted = (await readAcceptedShards(read, { taskId: ref.taskId, round: ref.round })).find((a) => a.shard === ref.shard && a.attempt === ref.attempt)
    const attempt: Attempt = { ...ref, blockNumber: accepted?.blockNumber ?? challenge.blockNumber }
    const report = await this.examine(attempt, 1 << ref.replica, 'mlbridge/referee-result-challenge/1', signal)
    if (report.outcome.kind !== 'audit') return false
    const upheld = report.outcome.slashedMask !== 0
    const judged = report.replicas.find((r) => r.replica === ref.replica)
    const evidence = await this.publish(ref.taskId, report)
    await resolveResultChallenge(this.opts.write, { ref, upheld, reason: judged === undefined ? 'FingerprintMismatch' : slashReasonOf(judged), evidence, claim: judged?.claim ?? zeroHash })
    if (upheld) this.counters.resultChallengesUpheld++
    this.log({
      ...where(ref), level: upheld ? 'warn' : 'info', event: upheld ? 'result challenge upheld' : 'result challenge dismissed',
      replica: ref.replica, challenger: open.challenger, fault: judged?.fault, evidence
    })
    this.emit('resultChallenge', { challenge, report, evidence, upheld })
    return true
  }

  /** Everything the referee finds about a split (or accepted) attempt, and its judgement (nothing is sent). */
  async judge (attempt: Attempt, signal: AbortSignal): Promise<EvidenceReport> {
    const { read } = this.opts
    const limits = this.opts.limits ?? DEFAULT_LIMITS
    const at = { taskId: attempt.taskId, round: attempt.round, shard: attempt.shard, attempt: attempt.attempt }
    const [task, { definition, prepared }, revealed, seed] = await Promise.all([
      readTask(read, { taskId: attempt.taskId }),
      this.taskOf(attempt.taskId, signal),
      readRevealed(read, at),
      readFingerprintSeed(read, at)
    ])
    if (seed.seed === undefined) throw new MLBridgeError('REFEREE_INPUT_MISSING', `no fingerprint seed for task ${attempt.taskId} round ${attempt.round} shard ${attempt.shard} attempt ${attempt.attempt}`)
    const artifacts = this.opts.artifacts(attempt.taskId)
    const chainId = await read.publicClient.getChainId()
    const checks = await checkWinners(revealed, async (cid) => await artifacts.get(cid, 'delta', { signal }), {
      chainId, verifier: read.contracts.ConsensusVerifier, ...at, fingerprintSeed: seed.seed, spec: definition.spec, layout: definition.layout, maxDeltaBytes: limits.delta
    })
    const claims = new Map([...checks.matching, ...checks.faults].map((c) => [c.replica, c.claim]))
    const parent = await this.parentModel(task.modelId, attempt.blockNumber, artifacts, signal)
    const reexecution: Reexecution = await reexecuteShard({
      definition, ...prepared, parent, fingerprintSeed: seed.seed, limits, at: { round: attempt.round, shard: attempt.shard, attempt: attempt.attempt, shards: task.shards }
    }, { signal })
    const margin = Math.round(task.tolerance * (this.opts.marginFactor ?? 1))
    const verdict: SplitVerdict = judgeSplit({
      revealed,
      byteFaults: new Map(checks.faults.map((f) => [f.replica, f.reason])),
      reference: reexecution.fingerprint,
      tolerance: task.tolerance,
      margin
    })
    if (agreesWithSome(verdict)) this.calibrated.add(attempt.taskId)
    return {
      type: 'mlbridge/referee-verdict/1',
      chainId,
      verifier: read.contracts.ConsensusVerifier,
      taskId: attempt.taskId.toString(),
      round: attempt.round,
      shard: attempt.shard,
      attempt: attempt.attempt,
      fingerprintSeed: seed.seed,
      tolerance: task.tolerance,
      margin,
      reexecution: { ...reexecution, tfjs: TFJS_VERSION },
      // What checking each replica's bytes found: a result challenge is paid only with this claim.
      replicas: verdict.replicas.map((r) => ({ ...r, claim: claims.get(r.replica) ?? zeroHash })),
      outcome: verdict.kind === 'verdict' ? { kind: 'verdict', winnersMask: verdict.winnersMask } : { kind: 'abstain', reason: verdict.reason }
    }
  }

  /** Judges an open challenge and submits the verdict; false when it should be tried again later. */
  private async settleChallenge (challenge: VersionChallenge, signal: AbortSignal): Promise<boolean> {
    const [open, block] = await Promise.all([readOpenChallenge(this.opts.read, challenge), this.opts.read.publicClient.getBlock({ blockTag: 'latest' })])
    if (open.challenger === zeroAddress || block.timestamp >= open.resolveBy) return true
    const judgement = await this.judgeVersion(challenge.versionId, signal)
    await resolveChallenge(this.opts.write, { versionId: challenge.versionId, uphold: judgement.uphold, claim: judgement.claim })
    if (judgement.uphold) this.counters.upheld++
    else this.counters.dismissed++
    if (judgement.uphold) this.forgedVersions.set(challenge.versionId, challenge.versionId)
    this.log({
      level: 'info', event: judgement.uphold ? 'challenge upheld' : 'challenge dismissed', taskId: judgement.taskId.toString(), round: judgement.round, shard: -1, attempt: -1,
      versionId: challenge.versionId.toString(), challenger: challenge.challenger, differences: judgement.differences
    })
    this.emit('challenge', judgement)
    return true
  }

  /**
   * Every signer of a version found forged vouched for it: each is slashed (the aggregator was,
   * with the verdict). One that is gone already (slashed by someone else first) is skipped.
   */
  private async slashCosigners (versionId: bigint): Promise<boolean> {
    const { confirmations } = await readVersionSignatures(this.opts.read, { versionId })
    for (const { signer } of confirmations) {
      try {
        await slashCosigner(this.opts.write, { versionId, signer })
        this.counters.cosignersSlashed++
      } catch (error) {
        if (!(error instanceof ContractRejectedError && error.errorName === 'NotCosigner')) throw error
      }
    }
    return true
  }

  /** Recomputes a proposed version's round and names where the proposal differs (nothing is sent). */
  async judgeVersion (versionId: bigint, signal: AbortSignal): Promise<ChallengeJudgement> {
    const { read } = this.opts
    const limits = this.opts.limits ?? DEFAULT_LIMITS
    const version = await readVersion(read, { versionId })
    const taskId = version.taskId
    const round = Number(version.round)
    const [task, { definition, prepared }] = await Promise.all([readTask(read, { taskId }), this.taskOf(taskId, signal)])
    const { differences, claim } = await recheckVersion({
      read, rounds: roundReader(read), artifacts: this.opts.artifacts(taskId), task: definition, dataSize: prepared.data.size, shards: task.shards, limits, signal
    }, version)
    return { versionId, taskId, round, differences, uphold: differences.length > 0, claim }
  }

  /**
   * The model a round trains from: the head as of a block in which one of its shards was open or
   * just decided (no version of a round is final before all its shards are).
   */
  private async parentModel (modelId: bigint, blockNumber: bigint, artifacts: ArtifactStore, signal: AbortSignal): Promise<Uint8Array> {
    const { head } = await readModel(this.opts.read, { modelId, blockNumber })
    return await readVersionModel({ read: this.opts.read, artifacts, signal }, head)
  }

  private async taskOf (taskId: bigint, signal: AbortSignal): Promise<{ definition: TaskDefinition, prepared: Pick<PreparedTask, 'data' | 'trainer'> }> {
    let entry = this.tasks.get(taskId)
    if (entry === undefined) {
      entry = (async () => {
        const { specCid } = await readTaskCreation(this.opts.read, { taskId })
        const definition = decodeTaskDefinition(await this.opts.artifacts(taskId).get(specCid, 'spec', { signal }), `the task spec ${specCid}`)
        return { definition, prepared: await this.opts.prepare(definition, signal) }
      })()
      entry.catch(() => { this.tasks.delete(taskId) })
      this.tasks.set(taskId, entry)
    }
    return await entry
  }

  /** Publishes a report and returns the evidence hash that names it. */
  private async publish (taskId: bigint, report: EvidenceReport): Promise<Hex> {
    const { bytes, hash } = encodeEvidence(report)
    await this.opts.publish(taskId, bytes)
    return hash
  }

  private log (line: RefereeLogLine): void {
    if (this.opts.log !== undefined) return this.opts.log(line)
    const { level, event, ...fields } = line
    this.logger[level](event, fields)
  }
}

/** The on-chain `evidence` of a report: the sha256 of its canonical JSON (keys in the order above, no spaces). */
export function evidenceHash (report: EvidenceReport): Hex {
  return encodeEvidence(report).hash
}

/** A replica whose bytes failed has no distance: its delta is not what it revealed. */
const slashReasonOf = (r: JudgedReplica): SlashReason => (r.distance === undefined ? 'FingerprintMismatch' : 'RefereeDisagrees')
const keyOf = (d: Omit<Attempt, 'blockNumber'>): string => `${d.taskId}/${d.round}/${d.shard}/${d.attempt}`
const where = (d: Omit<Attempt, 'blockNumber'>): Pick<RefereeLogLine, 'taskId' | 'round' | 'shard' | 'attempt'> => ({ taskId: d.taskId.toString(), round: d.round, shard: d.shard, attempt: d.attempt })
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))
