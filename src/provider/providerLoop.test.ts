/**
 * Three provider loops run a whole task on a real local chain (anvil + the deployed contracts),
 * training for real with tfjs on the bundled MNIST. The artifact store is one in-memory blob store
 * shared by the three loops (the p2p transport of blobs is tested in src/p2p).
 */
import {
  keccak256, parseEther, toHex,
  type Address, type TestClient
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalChain, type LocalChain } from '../../node/testing/localChain.ts'
import { createMnistTask as createTaskFrom, type MnistTask, type MnistTaskShape } from '../../node/testing/mnistTask.ts'
import { runLoops } from '../../node/testing/runLoops.ts'
import { readClaimable, readIsAway, readReputation, readRound, readTask, readTaskLock, readVersion, type WriteContext } from '../chain/actions/index.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { defineTask } from '../core/taskDefinition.ts'
import { mnistSplit, useNodeBackend } from '../testing/mnist.ts'
import { memoryArtifactStore } from './artifacts.ts'
import { chainForAccount } from './chain.ts'
import { localEndorsementHub } from './endorsements.ts'
import { decodeVersion } from '../core/version/blob.ts'
import { deltaCidOf } from '../core/delta/cid.ts'
import { decodeDelta, DeltaDecodeError } from '../core/delta/codec.ts'
import { ProviderLoop } from './providerLoop.ts'
import { MemoryStateStore } from './state.ts'
import { datasetTaskData } from './taskData.ts'
import { inProcessEvaluator, inProcessTrainer, serialQueue } from './trainers.ts'
import type { ArtifactStore, ProviderChain, ProviderEvents } from './types.ts'
import type { ContributionVerdict } from '../core/contributionPolicy.ts'

const REWARD = parseEther('10')
const MIN_STAKE = parseEther('100')
const JOIN_WINDOW = 30
const ROUNDS = 2
const SHARDS = 2

const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [32] },
  training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 10, batchSize: 32, samplesPerShard: 320 },
  outer: { learningRate: 0.7, momentum: 0.9 },
  fingerprint: { length: 16 },
  seed: 'provider-loop-test'
}, 'providerLoop.test')
const task = defineTask(spec)

let local: LocalChain
let testClient: TestClient
let ctxOf: (i: number) => WriteContext

beforeAll(async () => {
  local = await startLocalChain()
  ;({ testClient, ctxOf } = local)
  await useNodeBackend('wasm')
}, 120_000)

afterAll(async () => {
  await local?.stop()
})

/** The creator (dev account 1) pins the initial model and creates an MNIST task. */
async function createMnistTask (artifacts: ArtifactStore, shape: MnistTaskShape): Promise<MnistTask> {
  return await createTaskFrom(ctxOf(1), artifacts, spec, { joinWindow: JOIN_WINDOW, rewardPerResult: REWARD, minStake: MIN_STAKE, ...shape })
}

/** Runs the loops until each reports the task completed. */
async function runToCompletion (loops: ProviderLoop[]): Promise<void> {
  expect(await runLoops(loops, { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW })).toEqual(loops.map(() => 'completed'))
}

describe('provider loop', () => {
  it('three providers run a 2-round MNIST task to completion: versions final in one proposal each (endorsed off chain, no confirm transaction), rewards owed, accuracy up; attack (copier): no delta is readable before commits close', async () => {
    const started = performance.now()
    const { train, test } = await mnistSplit()
    const store = memoryArtifactStore()
    // Everything the providers publish, as a copier watching the network would see it.
    const published: Array<{ kind: string, bytes: Uint8Array }> = []
    const artifacts: ArtifactStore = {
      put: async (bytes, kind, options) => { published.push({ kind, bytes }); return await store.put(bytes, kind, options) },
      get: store.get
    }
    const queue = serialQueue()
    const trainer = inProcessTrainer({ mnist: async () => train, queue })
    const evaluator = inProcessEvaluator(test, { queue })

    // ------------------------------------------------------------ the creator
    const creator = ctxOf(1)
    const { created, initial } = await createMnistTask(artifacts, { rounds: ROUNDS, shards: SHARDS, replication: 2, maxReplication: 3 })
    const { taskId } = created
    const initialVersion = await readVersion(creator, { versionId: created.initialVersionId })
    expect(initialVersion.modelCid).toBe(initial.modelCid)

    // ------------------------------------------------------------ three providers
    const stores = [new MemoryStateStore(), new MemoryStateStore(), new MemoryStateStore()]
    const accounts = [2, 3, 4]
    // The task's gossip, as far as endorsements go.
    const hub = localEndorsementHub(taskId)
    const log: string[] = []
    const errors: Array<ProviderEvents['error'] & { who: Address }> = []
    const joined = new Set<Address>()
    const allJoined = Promise.withResolvers<void>()
    const makeLoop = (p: number): ProviderLoop => {
      const loop = new ProviderLoop({
        taskId,
        task,
        data: datasetTaskData(train),
        chain: chainForAccount(ctxOf(accounts[p]!)),
        artifacts,
        trainer,
        evaluator,
        state: stores[p]!,
        endorsements: hub.member(ctxOf(accounts[p]!).walletClient.account.address),
        stake: { faucet: true },
        pollIntervalMs: 100,
        aggregatorTimeoutMs: 30_000,
        stepTimeoutMs: 60_000
      })
      const who = loop.account.slice(0, 6)
      loop.on('action', (a) => {
        log.push(`${who} ${a.name}${a.round === undefined ? '' : ` r${a.round}`}${a.shard === undefined ? '' : ` s${a.shard}`}${a.detail === undefined ? '' : ` ${a.detail}`}`)
        if (a.name === 'joinTask') {
          joined.add(loop.account)
          if (joined.size === accounts.length) allJoined.resolve()
        }
      })
      loop.on('error', (e) => { errors.push({ ...e, who: loop.account }) })
      loop.on('step', (step) => { phases.add(step.phase) })
      loop.on('progress', () => { progress++ })
      return loop
    }
    const phases = new Set<string>()
    let progress = 0
    const providers = accounts.map((_, p) => makeLoop(p))
    const controller = new AbortController()
    const guard = setTimeout(() => { controller.abort(new Error('the task did not complete in time')) }, 100_000)

    // The first provider to commit is "reloaded" right after that commit (whichever it is: the
    // draw may leave any one provider out of every shard): a new loop resumes from the saved
    // state and must reveal with the persisted salt.
    const reloads = providers.map(() => new AbortController())
    controller.signal.addEventListener('abort', () => { for (const reload of reloads) reload.abort(controller.signal.reason) })
    let reloadedAfter: string | undefined
    // A batch commits all of a provider's results of the round at once: each is an action.
    const committed = providers.map(() => 0)
    providers.forEach((loop, p) => {
      loop.on('action', (a) => {
        if (a.name === 'commitResult') committed[p]!++
        if (a.name === 'commitResult' && reloadedAfter === undefined) {
          reloadedAfter = `r${a.round} s${a.shard}`
          reloads[p]!.abort(new Error('reload'))
        }
      })
    })
    const runs = providers.map(async (loop, p) => {
      try {
        return await loop.run(reloads[p]!.signal)
      } catch (error) {
        if (!reloads[p]!.signal.aborted || controller.signal.aborted) throw error
        log.push(`${loop.account.slice(0, 6)} reloaded`)
        const saved = await stores[p]!.load(`mlbridge.provider/${loop.account.toLowerCase()}/${taskId}`)
        expect(committed[p]).toBeGreaterThan(0)
        expect(Object.values(saved!.results).filter((r) => r.committed)).toHaveLength(committed[p]!)
        return await makeLoop(p).run(controller.signal)
      }
    })
    try {
      // The joining window is chain time: jump past it once everyone joined.
      await allJoined.promise
      await testClient.increaseTime({ seconds: JOIN_WINDOW + 1 })
      await testClient.mine({ blocks: 1 })
      expect(await Promise.all(runs)).toEqual(['completed', 'completed', 'completed'])
    } finally {
      clearTimeout(guard)
      controller.abort()
      await Promise.allSettled(runs)
      console.log(`provider loop: ${((performance.now() - started) / 1000).toFixed(1)} s\n${log.join('\n')}`)
      if (errors.length > 0) console.log(errors.map((e) => `${e.who.slice(0, 6)} ${e.phase} r${e.round} s${e.shard}: ${e.error instanceof Error ? e.error.message.split('\n')[0] : String(e.error)}`).join('\n'))
    }
    expect(reloadedAfter).toBeDefined()
    expect(progress).toBeGreaterThan(0)
    // No 'finalizing': the last replica's reveal decides its shard, so an honest round needs a
    // finalize only when two replicas reveal in the same block (a race the load decides).
    for (const phase of ['joining', 'fetching', 'training', 'uploading', 'committing', 'revealing', 'aggregating', 'proposing', 'confirming', 'advancing', 'done']) {
      expect(phases).toContain(phase)
    }
    // Every transaction that lost a race is a "skipped" action; nothing else went wrong.
    expect(errors).toEqual([])
    // Every other winner's signature came with the proposal: no round needed a confirm transaction.
    expect(log.filter((line) => line.includes(' endorseVersion r'))).not.toHaveLength(0)
    expect(log.filter((line) => line.includes(' confirmVersion'))).toEqual([])
    expect(log.filter((line) => line.includes(' proposeVersion r')).every((line) => line.endsWith(', final'))).toBe(true)

    // ------------------------------------------------------------ nothing to copy (finding 13)
    // Only sealed deltas were published: none decodes as a delta, and none is a revealed plaintext.
    const sealed = published.filter((p) => p.kind === 'delta')
    expect(sealed.length).toBeGreaterThanOrEqual(ROUNDS * SHARDS * 2)
    const revealedCids = new Set((await chainForAccount(creator).readRevealed(taskId, 0, 0, 0)).map((r) => r.deltaCid))
    expect(revealedCids.size).toBeGreaterThan(0)
    for (const { bytes } of sealed) {
      expect(() => decodeDelta(bytes, { maxBytes: 1 << 24 })).toThrow(DeltaDecodeError)
      expect(revealedCids.has(await deltaCidOf(bytes))).toBe(false)
    }

    // ------------------------------------------------------------ versions and lineage
    expect((await readTask(creator, { taskId })).status).toBe('Completed')
    let parent = created.initialVersionId
    const accepted = new Map<Address, number>()
    let lastModelCid = initial.modelCid
    for (let round = 0; round < ROUNDS; round++) {
      const state = await readRound(creator, { taskId, round })
      expect(state.versionId).not.toBe(0n)
      const version = await readVersion(creator, { versionId: state.versionId })
      expect(version).toMatchObject({ status: 'Final', parent, taskId, round: BigInt(round) })
      parent = state.versionId
      lastModelCid = version.modelCid
      const shardAccepted = await chainForAccount(creator).readAccepted(taskId, round)
      expect(shardAccepted).toHaveLength(SHARDS)
      for (const a of shardAccepted) {
        state.shards[a.shard]!.providers.forEach((p, i) => {
          if ((a.winnersMask & (1 << i)) !== 0) accepted.set(p, (accepted.get(p) ?? 0) + 1)
        })
      }
    }
    expect([...accepted.values()].reduce((a, b) => a + b, 0)).toBe(ROUNDS * SHARDS * 2)

    // ------------------------------------------------------------ rewards owed
    for (const loop of providers) {
      const n = accepted.get(loop.account) ?? 0
      expect(await readClaimable(creator, { account: loop.account })).toBe(BigInt(n) * REWARD)
      expect((await readReputation(creator, { account: loop.account })).accepted).toBe(n)
    }

    // ------------------------------------------------------------ the model learned
    const score = async (cid: typeof lastModelCid): Promise<number> => {
      const { weights } = decodeVersion(await artifacts.get(cid, 'model'))
      return (await evaluator.evaluate(task.architecture, weights, {})).accuracy
    }
    const before = await score(initial.modelCid)
    const after = await score(lastModelCid)
    console.log(`held-out accuracy: initial ${before.toFixed(3)}, after ${ROUNDS} rounds ${after.toFixed(3)}`)
    expect(after).toBeGreaterThan(before)
    const last = await readVersion(creator, { versionId: parent })
    expect(last.accuracyBps).toBe(Math.round(after * 10_000))
  }, 150_000)

  it('a volunteer\'s pause: the drawn shard is still committed and revealed, the provider steps away from the later rounds at no cost, and steps back once allowed', async () => {
    const { train, test } = await mnistSplit()
    const artifacts = memoryArtifactStore()
    const queue = serialQueue()
    const { created } = await createMnistTask(artifacts, { rounds: 2, shards: 1, replication: 2, maxReplication: 2 })
    let verdict: ContributionVerdict = { allowed: true }
    // Three providers for two replicas: 7 (gated) pauses in round 0 and is allowed again in round 1.
    const [loop, ...others] = [7, 8, 9].map((i) => new ProviderLoop({
      taskId: created.taskId, task, data: datasetTaskData(train), chain: chainForAccount(ctxOf(i)), artifacts,
      trainer: inProcessTrainer({ mnist: async () => train, queue }), evaluator: inProcessEvaluator(test, { queue }),
      state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, aggregatorTimeoutMs: 1500,
      ...(i === 7 ? { gate: () => verdict } : {})
    })) as [ProviderLoop, ProviderLoop, ProviderLoop]
    const seen: string[] = []
    loop.on('step', (step) => {
      seen.push(`${step.phase} ${step.round ?? '-'}`)
      // Paused in round 0, mid-shard when it was drawn (training), otherwise while it waits.
      if (step.round === 0 && (step.phase === 'training' || step.phase === 'waiting')) verdict = { allowed: false, reason: 'Paused: on battery' }
      if (step.round === 1) verdict = { allowed: true }
    })
    const actions: string[] = []
    loop.on('action', (a) => { actions.push(`${a.name} ${a.round ?? '-'}`) })
    expect(await runLoops([loop, ...others], { timeTravel: local.timeTravel, joinWindow: JOIN_WINDOW, timeoutMs: 80_000 })).toEqual(['completed', 'completed', 'completed'])

    const me = ctxOf(7).walletClient.account.address
    const round0 = await readRound(ctxOf(1), { taskId: created.taskId, round: 0 })
    if (round0.shards[0]!.providers.includes(me)) {
      // Paused mid-shard: its result still went in.
      expect(actions).toEqual(expect.arrayContaining(['commitResult 0', 'revealResult 0']) as unknown)
    }
    expect(actions).toContain('stepAway 1')
    expect(actions).toContain('stepBack 2')
    expect(seen).toContain('paused -')
    const round1 = await readRound(ctxOf(1), { taskId: created.taskId, round: 1 })
    expect(round1.shards[0]!.providers).not.toContain(me)
    // Away costs nothing: no deposit spent, nobody ejected, and it is present again.
    const lock = await readTaskLock(ctxOf(1), { taskId: created.taskId, account: me })
    expect(lock).toBe(MIN_STAKE + REWARD)
    expect(await readIsAway(ctxOf(1), { taskId: created.taskId, account: me })).toBe(false)
  }, 90_000)

  it('stands in for an aggregator that does not propose: another provider proposes after the timeout', async () => {
    const { train, test } = await mnistSplit()
    const artifacts = memoryArtifactStore()
    const queue = serialQueue()
    const { created } = await createMnistTask(artifacts, { rounds: 1, shards: 1, replication: 2, maxReplication: 2 })
    const { taskId } = created
    const [silent, standIn] = [5, 6].map((i) => chainForAccount(ctxOf(i))).sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1)) as [ProviderChain, ProviderChain]
    // The would-be aggregator (the lowest address) cannot get its proposal through.
    const offline: ProviderChain = { ...silent, proposeVersion: async () => { throw new Error('proposal lost') } }
    const errors: Array<ProviderEvents['error'] & { who: Address }> = []
    const loops = [offline, standIn].map((chain) => {
      const loop = new ProviderLoop({
        taskId, task, data: datasetTaskData(train), chain, artifacts,
        trainer: inProcessTrainer({ mnist: async () => train, queue }), evaluator: inProcessEvaluator(test, { queue }),
        state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, aggregatorTimeoutMs: 1500, stepTimeoutMs: 60_000
      })
      loop.on('error', (e) => { errors.push({ ...e, who: chain.account }) })
      return loop
    })
    await runToCompletion(loops)
    const { versionId } = await readRound(ctxOf(1), { taskId, round: 0 })
    const version = await readVersion(ctxOf(1), { versionId })
    expect(version).toMatchObject({ status: 'Final', parent: created.initialVersionId })
    expect(version.aggregator).toBe(standIn.account)
    expect(errors.length).toBeGreaterThan(0)
    const unexpected = errors.filter((e) => !(e.who === silent.account && e.phase === 'proposing'))
    expect(unexpected.map((e) => `${e.who} ${e.phase}: ${e.error instanceof Error ? e.error.message.split('\n')[0] : String(e.error)}`)).toEqual([])
  }, 90_000)

  it('challenges a proposal whose commit hash differs from its own recomputation, then proposes the right one', async () => {
    const { train, test } = await mnistSplit()
    const artifacts = memoryArtifactStore()
    const queue = serialQueue()
    const { created } = await createMnistTask(artifacts, { rounds: 1, shards: 1, replication: 2, maxReplication: 2 })
    const { taskId } = created
    // Accounts 7 to 9 hold the local stack's pauser, referee and governor roles: the referee may not challenge.
    const [liar, honest] = [5, 6].map((i) => chainForAccount(ctxOf(i))).sort((a, b) => (a.account.toLowerCase() < b.account.toLowerCase() ? -1 : 1)) as [ProviderChain, ProviderChain]
    // The round's aggregator (the lowest address) proposes a commit hash that is not what it computed.
    const forged: ProviderChain = {
      ...liar,
      proposeVersion: async (id, round, parent, data, signatures, results) => await liar.proposeVersion(id, round, parent, { ...data, commitHash: keccak256(toHex('forged')) }, signatures, results)
    }
    const actions: string[] = []
    const loops = [forged, honest].map((chain) => {
      const loop = new ProviderLoop({
        taskId, task, data: datasetTaskData(train), chain, artifacts,
        trainer: inProcessTrainer({ mnist: async () => train, queue }), evaluator: inProcessEvaluator(test, { queue }),
        // the honest winner stands in only after the liar proposed, however slowly the shared queue lets it
        state: new MemoryStateStore(), stake: { faucet: true }, pollIntervalMs: 100, aggregatorTimeoutMs: 10_000, stepTimeoutMs: 60_000
      })
      loop.on('action', (a) => { actions.push(`${chain === forged ? 'liar' : 'honest'} ${a.name}`) })
      return loop
    })
    await runToCompletion(loops)
    expect(actions).toContain('honest challengeVersion')
    const proposals = await honest.readProposals(taskId, 0)
    const byAggregator = new Map(proposals.map((p) => [p.aggregator, p.versionId]))
    expect((await readVersion(ctxOf(1), { versionId: byAggregator.get(liar.account)! })).status).toBe('Challenged')
    const { versionId } = await readRound(ctxOf(1), { taskId, round: 0 })
    expect(versionId).toBe(byAggregator.get(honest.account))
    expect(await readVersion(ctxOf(1), { versionId })).toMatchObject({ status: 'Final', parent: created.initialVersionId })
  }, 90_000)
})
