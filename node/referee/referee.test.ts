/**
 * The referee settles a real split: two provider loops on a real local chain (anvil and the
 * deployed contracts) train a one-shard MNIST task with replication 2, one of them reveals a
 * sign-flipped delta, the vote splits, and the referee (dev account 8, which holds REFEREE_ROLE)
 * re-executes the shard, slashes the cheat and names the honest replica the winner; the round
 * then ends with the honest version.
 */
import { keccak256, parseEther, sha256, toHex, type Address, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readClaimable, readProposals, readRound, readStake, readTask, readVersion, type AcceptedShardEvent, type Dispute } from '../../src/chain/actions/index.ts'
import { ConsensusVerifierAbi, ModelRegistryAbi, ResultChallengesAbi, RewardDistributorAbi } from '../../src/chain/generated/abis.ts'
import { memoryArtifactStore } from '../../src/provider/artifacts.ts'
import { chainForAccount } from '../../src/provider/chain.ts'
import { ProviderLoop } from '../../src/provider/providerLoop.ts'
import { MemoryStateStore } from '../../src/provider/state.ts'
import { datasetTaskData } from '../../src/provider/taskData.ts'
import { inProcessTrainer, serialQueue } from '../../src/provider/trainers.ts'
import type { ArtifactStore, ProviderChain, Trainer } from '../../src/provider/types.ts'
import { mnistSplit, useNodeBackend } from '../../src/testing/mnist.ts'
import { startLocalChain, type LocalChain } from '../testing/localChain.ts'
import { createMnistTask } from '../testing/mnistTask.ts'
import { refereeTestTask, signFlipping } from '../testing/refereeTask.ts'
import { runLoops } from '../testing/runLoops.ts'
import { Referee, evidenceHash, type ChallengeJudgement, type EvidenceReport, type RefereeLogLine, type RefereeOptions } from './referee.ts'

const MIN_STAKE = parseEther('100')
const JOIN_WINDOW = 30
const REFEREE = 8
/** commit, reveal, aggregation and challenge windows (createMnistTask's default) */
const WINDOW = 600

const { spec, task } = refereeTestTask('referee-test')

let local: LocalChain

/** The evidence reports the referees published, by the hash a verdict names on chain. */
const published = new Map<Hex, string>()
const publish = async (_taskId: bigint, report: Uint8Array): Promise<void> => { published.set(sha256(report), new TextDecoder().decode(report)) }

beforeAll(async () => {
  local = await startLocalChain()
  await useNodeBackend('wasm')
}, 120_000)

afterAll(async () => {
  await local?.stop()
})

/** A one-shard, one-round MNIST task with `replication` replicas, and the honest in-process trainer. */
async function mnistTask (replication: number, shape: { confirmations?: number } = {}): Promise<{ taskId: bigint, train: Awaited<ReturnType<typeof mnistSplit>>['train'], artifacts: ReturnType<typeof memoryArtifactStore>, trainer: Trainer }> {
  const { train } = await mnistSplit()
  const artifacts = memoryArtifactStore()
  const trainer = inProcessTrainer({ mnist: async () => train, queue: serialQueue() })
  const { created } = await createMnistTask(local.ctxOf(1), artifacts, spec, { joinWindow: JOIN_WINDOW, rewardPerResult: parseEther('10'), minStake: MIN_STAKE, rounds: 1, shards: 1, replication, maxReplication: replication, ...shape })
  return { taskId: created.taskId, train, artifacts, trainer }
}

/** A provider loop of `taskId` on `chain`, training with `trainer` and storing in `artifacts`. */
function providerLoop (taskId: bigint, train: Awaited<ReturnType<typeof mnistSplit>>['train'], chain: ProviderChain, trainer: Trainer, artifacts: ArtifactStore): ProviderLoop {
  return new ProviderLoop({
    taskId, task, data: datasetTaskData(train), chain, artifacts, trainer,
    state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, aggregatorTimeoutMs: 1500, stepTimeoutMs: 60_000
  })
}

/** The referee (dev account 8, REFEREE_ROLE) of a task trained on `train`, quiet unless `opts` say otherwise. */
function refereeOf (artifacts: ArtifactStore, train: Awaited<ReturnType<typeof mnistSplit>>['train'], trainer: Trainer, opts: Partial<RefereeOptions> = {}): Referee {
  return new Referee({
    read: local.ctxOf(REFEREE), write: local.ctxOf(REFEREE), artifacts: () => artifacts, publish,
    prepare: async () => ({ data: datasetTaskData(train), trainer }), pollIntervalMs: 100, log: () => {}, ...opts
  })
}

/**
 * A two-replica round whose aggregator (the lower of accounts 3 and 4) proposes `tamper(data)`
 * instead of what it computed, the referee judging challenges; the version each one proposed.
 */
async function runTamperedProposal (tamper: (liar: ProviderChain, data: Parameters<ProviderChain['proposeVersion']>[3], parent: bigint) => Promise<Parameters<ProviderChain['proposeVersion']>[3]>): Promise<{ taskId: bigint, liar: ProviderChain, honest: ProviderChain, referee: Referee, judgements: ChallengeJudgement[], proposedBy: (chain: ProviderChain) => bigint }> {
  const { taskId, train, artifacts, trainer } = await mnistTask(2)
  const [liar, honest] = [3, 4].map((i) => chainForAccount(local.ctxOf(i))).sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1)) as [ProviderChain, ProviderChain]
  const tampered: ProviderChain = {
    ...liar,
    proposeVersion: async (id, round, parent, data, signatures, results) => await liar.proposeVersion(id, round, parent, await tamper(liar, data, parent), signatures, results)
  }
  const loops = [tampered, honest].map((chain) => providerLoop(taskId, train, chain, trainer, artifacts))
  const judgements: ChallengeJudgement[] = []
  const referee = refereeOf(artifacts, train, trainer)
  referee.on('challenge', (j) => { judgements.push(j) })
  expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 80_000, beside: async (signal) => { await referee.run(signal) } })).toEqual(['completed', 'completed'])
  const proposals = await readProposals(local.ctxOf(1), { taskId, round: 0 })
  const byAggregator = new Map(proposals.map((p) => [p.aggregator.toLowerCase(), p.versionId]))
  return { taskId, liar, honest, referee, judgements, proposedBy: (chain) => byAggregator.get(chain.account.toLowerCase())! }
}

async function slashesOf (taskId: bigint): Promise<Array<{ provider: string, reason: number, evidence: string }>> {
  const logs = await local.publicClient.getContractEvents({ address: local.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'ResultSlashed', args: { taskId }, fromBlock: 0n, strict: true })
  return logs.map((e) => ({ provider: e.args.provider.toLowerCase(), reason: e.args.reason, evidence: e.args.evidence }))
}

describe('Referee', () => {
  it('attack (sign flip against one honest replica): re-executes the split shard, slashes the cheat, and the honest delta wins', async () => {
    const { taskId, train, artifacts, trainer: honestTrainer } = await mnistTask(2)
    const [honest, cheat] = [5, 6].map((i) => chainForAccount(local.ctxOf(i)))
    const loops = [providerLoop(taskId, train, honest!, honestTrainer, artifacts), providerLoop(taskId, train, cheat!, signFlipping(honestTrainer, task), artifacts)]

    const lines: RefereeLogLine[] = []
    const verdicts: Array<{ dispute: Dispute, report: EvidenceReport }> = []
    const referee = refereeOf(artifacts, train, honestTrainer, { log: (line) => { lines.push(line) } })
    referee.on('verdict', (v) => { verdicts.push(v) })
    // The round has one winner, fewer than a majority plus the task's confirmation: its version is
    // final once its challenge window passes quietly.
    loops[0]!.on('action', (a) => { if (a.name === 'proposeVersion') void local.timeTravel(WINDOW + 1) })

    expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 80_000, beside: async (signal) => { await referee.run(signal) } })).toEqual(['completed', 'completed'])

    // One verdict, on the task's only shard: the honest replica wins, the cheat is slashed.
    expect(verdicts).toHaveLength(1)
    const [{ dispute, report }] = verdicts as [{ dispute: Dispute, report: EvidenceReport }]
    expect(dispute).toMatchObject({ taskId, round: 0, shard: 0, attempt: 0 })
    const byProvider = new Map(report.replicas.map((r) => [r.provider.toLowerCase(), r]))
    const honestReplica = byProvider.get(honest!.account.toLowerCase())!
    const cheatReplica = byProvider.get(cheat!.account.toLowerCase())!
    expect(honestReplica.fault).toBeUndefined()
    expect(honestReplica.distance).toBeLessThanOrEqual(report.tolerance)
    expect(cheatReplica.fault).toMatch(/from the re-execution's, beyond the tolerance/)
    expect(report.outcome).toEqual({ kind: 'verdict', winnersMask: 1 << honestReplica.replica })
    expect(report.reexecution.durationMs).toBeGreaterThan(0)

    // On chain: the evidence hash names this report, the cheat lost the task's stake, the honest
    // provider kept its own, and the round's version is final.
    const [resolved] = await local.publicClient.getContractEvents({ address: local.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'SplitResolved', fromBlock: 0n, strict: true })
    expect(resolved?.args.evidence).toBe(evidenceHash(report))
    // It published the report before the verdict named it.
    expect(JSON.parse(published.get(resolved!.args.evidence)!)).toEqual(report)
    const stakeOf = async (account: Address): Promise<bigint> => (await readStake(local.ctxOf(1), { account })).staked
    const minStake = (await readTask(local.ctxOf(1), { taskId })).minStake
    expect(minStake).toBe(MIN_STAKE)
    expect(await stakeOf(cheat!.account)).toBeLessThan(await stakeOf(honest!.account))
    const { versionId } = await readRound(local.ctxOf(1), { taskId, round: 0 })
    expect((await readVersion(local.ctxOf(1), { versionId })).status).toBe('Final')
    expect(referee.counters).toMatchObject({ disputes: 1, verdicts: 1, slashed: 1, abstentions: 0 })
    expect(lines.find((l) => l.event === 'verdict')).toMatchObject({ level: 'info', taskId: taskId.toString(), round: 0, shard: 0, attempt: 0, winnersMask: 1 << honestReplica.replica })
  }, 120_000)

  it('attack (two colluders drawn onto one shard reveal the same sign-flipped delta and outvote the honest replica): the audit re-executes the accepted shard, slashes both winners and burns their reward', async () => {
    const { taskId, train, artifacts, trainer: honestTrainer } = await mnistTask(3)
    await Promise.all([10, 11].map(async (i) => { await local.fund(i) }))
    const [honest, ...colluders] = [2, 10, 11].map((i) => chainForAccount(local.ctxOf(i))) as [ProviderChain, ProviderChain, ProviderChain]
    const loops = [providerLoop(taskId, train, honest, honestTrainer, artifacts), ...colluders.map((chain) => providerLoop(taskId, train, chain, signFlipping(honestTrainer, task), artifacts))]
    const audits: Array<{ accepted: AcceptedShardEvent, report: EvidenceReport }> = []
    const referee = refereeOf(artifacts, train, honestTrainer)
    referee.on('audit', (a) => { if (a.accepted.taskId === taskId) audits.push(a) })
    // The referee outlives the providers: the audit re-trains the shard while they go on.
    const refereeStop = new AbortController()
    const refereeRun = referee.run(refereeStop.signal)
    try {
      expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 80_000 })).toEqual(['completed', 'completed', 'completed'])
      await expect.poll(() => referee.counters.auditSlashes, { timeout: 20_000 }).toBe(2)
    } finally {
      refereeStop.abort()
      await refereeRun
    }

    // The colluders won the shard by majority, and the audit found them out.
    expect(audits).toHaveLength(1)
    const [{ accepted, report }] = audits as [{ accepted: AcceptedShardEvent, report: EvidenceReport }]
    const byProvider = new Map(report.replicas.map((r) => [r.provider.toLowerCase(), r]))
    const honestReplica = byProvider.get(honest.account.toLowerCase())!
    expect(accepted.winnersMask & (1 << honestReplica.replica)).toBe(0)
    expect(honestReplica.fault).toBeUndefined()
    const colluderMask = colluders.reduce((m, c) => m | (1 << byProvider.get(c.account.toLowerCase())!.replica), 0)
    expect(report).toMatchObject({ type: 'mlbridge/referee-audit/1', outcome: { kind: 'audit', winnersMask: colluderMask, slashedMask: colluderMask } })

    // On chain: each colluder lost the task's stake and the reward it had not claimed; the honest one lost nothing.
    const slashes = await slashesOf(taskId)
    expect(slashes.map((e) => e.provider).sort()).toEqual(colluders.map((c) => c.account.toLowerCase()).sort())
    expect(slashes.every((e) => e.evidence === evidenceHash(report))).toBe(true)
    for (const c of colluders) expect(await readClaimable(local.ctxOf(1), { account: c.account })).toBe(0n)
    expect((await readStake(local.ctxOf(1), { account: honest.account })).staked).toBeGreaterThanOrEqual(MIN_STAKE)
    expect(referee.counters).toMatchObject({ auditSlashes: 2 })
  }, 120_000)

  it('attack (fingerprint-honest but bytes-poisoned pin): the honest winner challenges the result, the referee upholds it and the poisoner is slashed with the challenger as reporter', async () => {
    const { taskId, train, artifacts, trainer } = await mnistTask(2)
    await Promise.all([12, 13].map(async (i) => { await local.fund(i) }))
    const [honest, poisoner] = [12, 13].map((i) => chainForAccount(local.ctxOf(i))) as [ProviderChain, ProviderChain]
    // It reveals the fingerprint of the delta it trained, but what it pins (and commits to) is other
    // bytes; its own reads see the honest ones, so its self-check before revealing passes.
    const honestBytes = new Map<string, Uint8Array>()
    const poisoned: ArtifactStore = {
      put: async (bytes, kind, options) => {
        if (kind !== 'delta') return await artifacts.put(bytes, kind, options)
        const copy = bytes.slice()
        copy[copy.length >> 1]! ^= 0xff
        const cid = await artifacts.put(copy, kind, options)
        honestBytes.set(cid, bytes)
        return cid
      },
      get: async (cid, kind, options) => honestBytes.get(cid) ?? await artifacts.get(cid, kind, options)
    }
    const actions: string[] = []
    const loops = [providerLoop(taskId, train, honest, trainer, artifacts), providerLoop(taskId, train, poisoner, trainer, poisoned)]
    loops[0]!.on('action', (a) => { actions.push(a.name) })
    // Audits off, so what catches the poisoner is the honest winner's challenge.
    const referee = refereeOf(artifacts, train, trainer, { auditRate: 0 })
    const judged: Array<{ upheld: boolean, report: EvidenceReport }> = []
    referee.on('resultChallenge', ({ upheld, report }) => { judged.push({ upheld, report }) })
    // Chain time jumps past the version's windows once it is proposed and the referee has judged
    // the challenge: on a slow machine an earlier jump could end the round before the honest loop
    // looked at the poisoned bytes, or pass the challenge's resolve-by time before the referee ruled.
    const gate = new Set<string>()
    const travel = (step: string): void => { gate.add(step); if (gate.size === 2) void local.timeTravel(WINDOW + 1) }
    loops.forEach((loop) => { loop.on('action', (a) => { if (a.name === 'proposeVersion') travel('proposed') }) })
    referee.on('resultChallenge', () => { travel('judged') })
    // The referee outlives the providers: the challenge may come as the round ends.
    const refereeStop = new AbortController()
    const refereeRun = referee.run(refereeStop.signal)
    try {
      expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 80_000 })).toEqual(['completed', 'completed'])
      expect(actions).toContain('challengeResult')
      await expect.poll(() => judged.length, { timeout: 20_000 }).toBe(1)
      // The slash pays its reporter once its appeal delay passed and the referee executed it:
      // the reporter's share of the slash, its bond back and its reward; the poisoner keeps nothing.
      await expect.poll(async () => await readClaimable(local.ctxOf(1), { account: honest.account }), { timeout: 20_000 }).toBe(MIN_STAKE / 10n + parseEther('10') + parseEther('10'))
    } finally {
      refereeStop.abort()
      await refereeRun
    }
    expect(judged[0]).toMatchObject({ upheld: true, report: { type: 'mlbridge/referee-result-challenge/1' } })

    expect((await slashesOf(taskId)).map((e) => [e.provider, e.reason])).toEqual([[poisoner.account.toLowerCase(), 0]]) // FingerprintMismatch
    expect(await readClaimable(local.ctxOf(1), { account: poisoner.account })).toBe(0n)
    const { versionId } = await readRound(local.ctxOf(1), { taskId, round: 0 })
    expect((await readVersion(local.ctxOf(1), { versionId })).status).toBe('Final')
  }, 120_000)

  it('attack (a proposal with a forged commit hash): upholds the winner\'s challenge, the forged version is rejected and the honest one is final', async () => {
    const { taskId, liar, honest, referee, judgements, proposedBy } = await runTamperedProposal(async (_liar, data) => ({ ...data, commitHash: keccak256(toHex('forged')) }))
    const forgedId = proposedBy(liar)
    // The winner claimed what it recomputed, which is what the referee recomputed: it is paid.
    const [opened] = await local.publicClient.getContractEvents({ address: local.contracts.ModelRegistry, abi: ModelRegistryAbi, eventName: 'VersionChallenged', args: { versionId: forgedId }, fromBlock: 0n, strict: true })
    expect(judgements).toEqual([{ versionId: forgedId, taskId, round: 0, differences: ['commit hash', 'model bytes'], uphold: true, claim: opened!.args.claim }])
    expect((await readVersion(local.ctxOf(1), { versionId: forgedId })).status).toBe('Rejected')
    const { versionId } = await readRound(local.ctxOf(1), { taskId, round: 0 })
    expect(versionId).toBe(proposedBy(honest))
    // The honest version, judged the same way, differs in nothing: a challenge of it would be dismissed.
    expect(await referee.judgeVersion(versionId, new AbortController().signal)).toMatchObject({ differences: [], uphold: false })
    expect(referee.counters).toMatchObject({ challenges: 1, upheld: 1, dismissed: 0 })
    // The loser pays: the forging aggregator is slashed (and ejected), the challenger its reporter.
    const slashed = await local.publicClient.getContractEvents({ address: local.contracts.ModelRegistry, abi: ModelRegistryAbi, eventName: 'VersionSlashed', args: { versionId: forgedId }, fromBlock: 0n, strict: true })
    expect(slashed.map((e) => [e.args.aggregator.toLowerCase(), e.args.reporter.toLowerCase(), e.args.amount])).toEqual([[liar.account.toLowerCase(), honest.account.toLowerCase(), MIN_STAKE]])
  }, 120_000)

  it('attack (a proposal whose model CID names other bytes under the right commit hash): the winner challenges instead of confirming, the referee upholds, the honest version is final', async () => {
    // The parent's blob: pinned and well formed, but not what the round's deltas give.
    const { taskId, liar, honest, judgements, proposedBy } = await runTamperedProposal(async (chain, data, parent) => ({ ...data, modelCid: (await chain.readVersion(parent)).modelCid }))
    const swappedId = proposedBy(liar)
    expect(judgements).toEqual([expect.objectContaining({ versionId: swappedId, taskId, round: 0, differences: ['model bytes'], uphold: true })])
    expect((await readVersion(local.ctxOf(1), { versionId: swappedId })).status).toBe('Rejected')
    expect((await readRound(local.ctxOf(1), { taskId, round: 0 })).versionId).toBe(proposedBy(honest))
  }, 120_000)
})

describe('Co-signers of a forged version', () => {
  it('attack (a Sybil signs its partner\'s forged version): the honest winner\'s challenge is upheld and the referee slashes the co-signer too, the challenger as reporter', async () => {
    // Three winners, three signatures to finalize: the forger and its Sybil alone cannot.
    const { taskId, train, artifacts, trainer } = await mnistTask(3, { confirmations: 2 })
    await Promise.all([16, 17, 18].map(async (i) => { await local.fund(i) }))
    // The aggregator is the winner with the lowest address.
    const [liar, sybil, honest] = [16, 17, 18].map((i) => chainForAccount(local.ctxOf(i))).sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1)) as [ProviderChain, ProviderChain, ProviderChain]
    const forging: ProviderChain = {
      ...liar,
      proposeVersion: async (id, round, parent, data, signatures, results) => await liar.proposeVersion(id, round, parent, { ...data, commitHash: keccak256(toHex('forged')) }, signatures, results)
    }
    // Where an honest provider challenges a version it recomputed differently, the Sybil signs it.
    let signed: () => void = () => {}
    const sybilSigned = new Promise<void>((resolve) => { signed = resolve })
    const vouching: ProviderChain = {
      ...sybil,
      challengeVersion: async (versionId) => {
        await sybil.confirmVersion(versionId, (await readVersion(local.ctxOf(1), { versionId })).commitHash)
        signed()
      }
    }
    const loops = [forging, vouching, honest].map((chain) => providerLoop(taskId, train, chain, trainer, artifacts))
    const referee = refereeOf(artifacts, train, trainer, { auditRate: 0 })
    const judgements: ChallengeJudgement[] = []
    referee.on('challenge', (j) => { judgements.push(j) })
    // The referee starts once the Sybil signed, so its verdict cannot come first.
    expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 100_000, beside: async (signal) => { await sybilSigned; await referee.run(signal) } })).toEqual(['completed', 'completed', 'completed'])
    // The co-signers are slashed on the referee's tick after its verdict, which the task's end may
    // have cut short: one more tick finishes what it had left.
    await referee.tick(new AbortController().signal)

    const [forged] = judgements
    expect(forged).toMatchObject({ taskId, uphold: true })
    const registry = { address: local.contracts.ModelRegistry, abi: ModelRegistryAbi, fromBlock: 0n, strict: true } as const
    const [versionSlash] = await local.publicClient.getContractEvents({ ...registry, eventName: 'VersionSlashed', args: { versionId: forged!.versionId } })
    const [cosignerSlash] = await local.publicClient.getContractEvents({ ...registry, eventName: 'CosignerSlashed', args: { versionId: forged!.versionId } })
    expect(versionSlash?.args).toMatchObject({ aggregator: liar.account, reporter: honest.account })
    expect(cosignerSlash?.args).toMatchObject({ signer: sybil.account, reporter: honest.account, amount: MIN_STAKE })
    expect(referee.counters).toMatchObject({ upheld: 1, cosignersSlashed: 1 })
    const { versionId } = await readRound(local.ctxOf(1), { taskId, round: 0 })
    expect(versionId).not.toBe(forged!.versionId)
    expect((await readVersion(local.ctxOf(1), { versionId })).status).toBe('Final')
  }, 150_000)
})

describe('Fraud proofs, without the referee', () => {
  /**
   * Two winners, no referee: one binds its delta to another chain (its first binding names chain
   * 1: a replay of work done for another deployment). Its fingerprint is that of the bytes, so
   * both replicas agree and both win. `honestChain` may change the honest winner's chain.
   */
  async function runReplay (accounts: [number, number], honestChain: (chain: ProviderChain) => ProviderChain = (chain) => chain): Promise<{ taskId: bigint, honest: ProviderChain, replayer: ProviderChain, actions: string[] }> {
    const { taskId, train, artifacts, trainer } = await mnistTask(2)
    await Promise.all(accounts.map(async (i) => { await local.fund(i) }))
    const [honest, replayer] = accounts.map((i) => chainForAccount(local.ctxOf(i))) as [ProviderChain, ProviderChain]
    let bindings = 0
    const replaying: ProviderChain = { ...replayer, chainId: async () => (bindings++ === 0 ? 1 : await replayer.chainId()) }
    const actions: string[] = []
    const loops = [providerLoop(taskId, train, honestChain(honest), trainer, artifacts), providerLoop(taskId, train, replaying, trainer, artifacts)]
    loops[0]!.on('action', (a) => { actions.push(a.name) })
    expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 80_000 })).toEqual(['completed', 'completed'])
    return { taskId, honest, replayer, actions }
  }

  it('attack (a delta bound to another chain, its fingerprint honest): the honest winner proves it on chain and the contract slashes the result by itself', async () => {
    const { taskId, honest, replayer: replaying, actions } = await runReplay([14, 15])
    expect(actions).toContain('proveInvalidDelta')
    expect(actions).not.toContain('challengeResult')

    expect((await slashesOf(taskId)).map((e) => [e.provider, e.reason])).toEqual([[replaying.account.toLowerCase(), 1]]) // InvalidDelta
    const [proven] = await local.publicClient.getContractEvents({ address: local.contracts.ResultChallenges, abi: ResultChallengesAbi, eventName: 'InvalidDeltaProven', fromBlock: 0n, strict: true })
    expect(proven?.args).toMatchObject({ prover: honest.account, reporter: honest.account })
    // The evidence is the delta's own hash: its CID is the delta CID the replayer revealed.
    const [slash] = await slashesOf(taskId)
    expect(slash!.evidence).toBe(proven!.args.deltaHash)
    // Held through its appeal delay, the slash names the honest winner as reporter.
    const [pending] = await local.publicClient.getContractEvents({ address: local.contracts.RewardDistributor, abi: RewardDistributorAbi, eventName: 'SlashPending', args: { provider: replaying.account }, fromBlock: 0n, strict: true })
    expect(pending?.args.reporter).toBe(honest.account)
    const { versionId } = await readRound(local.ctxOf(1), { taskId, round: 0 })
    expect((await readVersion(local.ctxOf(1), { versionId })).status).toBe('Final')
  }, 120_000)

  it('a proof the contract refuses is not the end of it: the winner challenges the result for the referee instead', async () => {
    // This winner's proof names another fingerprint than the reveal's, so the contract refuses it.
    const { taskId, actions } = await runReplay([19, 20], (chain) => ({ ...chain, proveInvalidDelta: async (ref, proof) => { await chain.proveInvalidDelta(ref, { ...proof, fingerprintHash: keccak256(toHex('other')) }) } }))
    expect(actions).toContain('challengeResult')
    expect(actions).not.toContain('proveInvalidDelta')
    expect(await slashesOf(taskId)).toEqual([])
    const [challenged] = await local.publicClient.getContractEvents({ address: local.contracts.ResultChallenges, abi: ResultChallengesAbi, eventName: 'ResultChallenged', args: { taskId }, fromBlock: 0n, strict: true })
    expect(challenged).toBeDefined()
  }, 120_000)
})
