/**
 * One simulation: a task on the local stack run by N real provider loops (F of them Byzantine),
 * a centralized baseline on the same samples, and the report.
 */
import { setMaxListeners } from 'node:events'
import { parseEther, type Address } from 'viem'
import { readClaimable, readRound, readTask, readVersion, type AcceptedShard, type RoundState, type TaskState } from '../../src/chain/actions/index.ts'
import { parseTaskSpec, TRANSFORMER_PRESETS, type TaskSpec } from '../../src/core/taskSpec.ts'
import { errorKind, errorMessage } from '../../src/core/errors.ts'
import { defineTask } from '../../src/core/taskDefinition.ts'
import { decodeVersion } from '../../src/core/version/blob.ts'
import {
  chainForAccount, datasetTaskData, inProcessEvaluator, inProcessTrainer, MemoryStateStore, ProviderHost,
  serialQueue, type Phase, type ProviderChain, type ProviderEvents
} from '../../src/provider/index.ts'
import type { TaskChannel, WireBytes } from '../../src/p2p/index.ts'
import { loadMnistFromDisk } from '../../src/train/data/mnistNode.ts'
import { CORPUS_ASSET_PATH, CORPUS_NAME } from '../../src/train/data/corpus.ts'
import { loadCorpusFromDisk } from '../../src/train/data/corpusNode.ts'
import { textDataset } from '../../src/train/data/text.ts'
import type { Dataset } from '../../src/train/data/dataset.ts'
import { holdOut } from '../../src/provider/uploadedData.ts'
import { useNodeBackend } from '../../src/train/nodeBackend.ts'
import { blobArtifactStore } from '../../src/provider/artifacts.ts'
import { createStorage } from '../../src/storage/index.ts'
import { Referee } from '../referee/referee.ts'
import { createMnistTask } from '../testing/mnistTask.ts'
import { adversary, AttackLog, attackedKey, Collusion, type Adversary } from './adversaries.ts'
import { FREE_RIDERS } from './attacks.ts'
import { AGGREGATORS, type SimulationOptions } from './args.ts'
import { Baseline, DenseDiloco, roundSamples } from './baseline.ts'
import { chainFigures, TimeSplit } from './metrics.ts'
import { startNetwork } from './network.ts'
import { REPORT_VERSION, type ProviderReport, type RoundReport, type SimulationReport } from './report.ts'

const REWARD = parseEther('10')
const MIN_STAKE = parseEther('100')
/** Chain-time windows; the driver moves chain time past one when every provider waits on it. */
const JOIN_WINDOW = 30
const WINDOW = 600
/** Wall time with no change on chain and no provider busy before the driver moves chain time. */
const STALL_MS = 3000
/** How often a run whose chain stands still names the providers it waits on. */
const BUSY_REPORT_MS = 60_000
/** Wall time the referee gets, once every provider is done, to settle the audits and challenges still open. */
const REFEREE_SETTLE_MS = 90_000
const CREATOR = 1
const FIRST_PROVIDER = 2
/** The deployment's local referee (Deploy.s.sol's LOCAL_REFEREE); never a provider while it judges. */
const REFEREE = 8
// A commit or reveal in flight counts as busy: moving time then could close its window under it.
const BUSY: ReadonlySet<Phase> = new Set(['joining', 'fetching', 'training', 'uploading', 'committing', 'revealing', 'aggregating', 'proposing'])
const DECLINING: ReadonlySet<Phase> = new Set(['joining', 'committing', 'revealing'])

export class SimulationError extends errorKind('SIMULATION') {
  override name = 'SimulationError'
}

/** Held-out windows that score an LM version: 8,192 characters of the tiny model's context. */
const LM_EVAL_WINDOWS = 256

/** The spec's `delta` section for `--codec` (absent for int8, the default, so spec bytes stay as they were). */
function deltaSection ({ codec, topkFraction }: SimulationOptions): { delta?: { scheme: 'topk', bits: 2 | 4, fraction?: number } } {
  return codec === 'int8' ? {} : { delta: { scheme: 'topk', bits: codec === 'topk2' ? 2 : 4, ...(topkFraction === undefined ? {} : { fraction: topkFraction }) } }
}

export function simulationSpec (opts: SimulationOptions, vocabulary: string[] = []): TaskSpec {
  const lm = opts.task === 'lm'
  const seedSuffix = opts.seed === undefined ? '' : `-${opts.seed}`
  return parseTaskSpec({
    ...deltaSection(opts),
    model: lm ? { template: 'char-transformer', preset: 'tiny', vocabulary } : { template: 'mlp', inputShape: [784], classes: 10, hidden: opts.hidden },
    dataset: lm ? { name: CORPUS_NAME, evalSamples: LM_EVAL_WINDOWS } : { name: 'mnist' },
    training: {
      ...(lm ? { optimizer: 'adam', learningRate: 0.003 } : { optimizer: 'sgd', learningRate: 0.1 }),
      localSteps: opts.localSteps,
      batchSize: opts.batchSize,
      samplesPerShard: Math.min(2048, opts.localSteps * opts.batchSize)
    },
    outer: { learningRate: 0.7, momentum: 0.9 },
    aggregation: { rule: AGGREGATORS[opts.aggregator] },
    fingerprint: { length: 16 },
    // The same seed for every attack: runs of one shape train on the same samples, so they compare.
    seed: lm
      ? `simulate-lm-${opts.providers}-${opts.shards}-${opts.localSteps}-${opts.batchSize}${seedSuffix}`
      : `simulate-${opts.providers}-${opts.shards}-${opts.hidden.join('x')}-${opts.localSteps}-${opts.batchSize}${seedSuffix}`
  }, 'simulate')
}

export interface SimulationHooks {
  log?: (line: string) => void
  timeoutMs?: number
  /** each step provider `provider` (its index) starts, stamped by its loop's clock */
  onPhase?: (provider: number, mark: ProviderEvents['phase']) => void
  /** false: the provider loops keep the former sequential order (ProviderLoopOptions.pipeline), a bench's baseline */
  pipeline?: boolean
  /** each provider step's limit (default 30 s): a shard that trains longer, or waits for others to train first, needs more */
  stepTimeoutMs?: number
}

export async function runSimulation (opts: SimulationOptions, hooks: SimulationHooks = {}): Promise<SimulationReport> {
  const log = hooks.log ?? (() => {})
  const started = performance.now()
  await useNodeBackend('wasm')
  const { train, test, vocabulary } = await simulationData(opts)
  const spec = simulationSpec(opts, vocabulary)
  const definition = defineTask(spec)
  const params = definition.parameterCount
  const totalShards = opts.shards
  if (totalShards * spec.training.samplesPerShard > train.labels.length) throw new SimulationError(`${totalShards} shards x ${spec.training.samplesPerShard} samples do not fit in ${train.labels.length} training samples: fewer --shards, or fewer samples a shard (--local-steps x --batch-size)`)
  const net = await startNetwork()
  const controller = new AbortController()
  // Every provider, the referee and the driver share this one signal, each step listening on it:
  // dozens of listeners by design, not the leak Node warns of past 10.
  setMaxListeners(0, controller.signal)
  try {
    const { chain } = net
    log(`local stack: anvil ${chain.rpcUrl}, relay ${net.relay.multiaddrs[0] ?? ''}`)
    const queue = serialQueue()
    const evaluator = inProcessEvaluator(test, { queue })
    const honestTrainer = inProcessTrainer({ mnist: async () => train, queue })

    // ------------------------------------------------------------ the task
    const creator = await net.participant(CREATOR)
    const creatorStore = creator.artifacts('0')
    const fromBlock = await chain.publicClient.getBlockNumber({ cacheTime: 0 })
    const { created, initial } = await createMnistTask(creator.ctx, creatorStore, spec, {
      ...(opts.task === 'lm' ? { asset: CORPUS_ASSET_PATH } : {}),
      rounds: opts.rounds,
      shards: totalShards,
      replication: opts.replication,
      maxReplication: Math.min(opts.providers, opts.replication + 2),
      joinWindow: JOIN_WINDOW,
      window: WINDOW,
      rewardPerResult: REWARD,
      minStake: MIN_STAKE
    })
    const { taskId } = created
    log(`task ${taskId}: ${opts.rounds} rounds x ${totalShards} shards, replication ${opts.replication}, aggregation ${spec.aggregation.rule}, ${params} params`)

    // ------------------------------------------------------------ providers
    const collusion = new Collusion()
    const layout = definition.layout
    const roles: Array<'honest' | 'byzantine'> = Array.from({ length: opts.providers }, (_, i) => (i >= opts.providers - opts.byzantine ? 'byzantine' : 'honest'))
    const providers = await Promise.all(roles.map(async (role, i) => {
      const p = await net.participant(providerAccount(i, opts.referee))
      const artifacts = p.artifacts(taskId.toString())
      const attackLog = new AttackLog()
      const honestChain = chainForAccount(p.ctx, { fromBlock })
      const wiring: Adversary = role === 'byzantine' && opts.attack !== 'none'
        ? adversary({ attack: opts.attack, inner: honestTrainer, spec, layout, rounds: opts.rounds, shards: totalShards, collusion, n: opts.providers, f: opts.byzantine, log: attackLog, chain: honestChain, ctx: p.ctx, artifacts, pinFor: p.artifacts, taskId })
        : { trainer: honestTrainer, chain: honestChain, gossip: (channel: TaskChannel) => channel }
      const { trainer, chain: providerChain } = wiring
      const host = new ProviderHost({
        read: p.ctx,
        chain: providerChain,
        artifacts: () => artifacts,
        prepare: async () => ({ data: datasetTaskData(train), trainer, evaluator }),
        states: new MemoryStateStore(),
        gossip: (id) => wiring.gossip(p.gossip(id.toString())),
        taskId,
        // claimOnComplete: a result is paid at claim, so its gas belongs to the cost of a result
        loop: { stake: { faucet: true }, claimOnComplete: true, pollIntervalMs: 200, ...(hooks.pipeline === undefined ? {} : { pipeline: hooks.pipeline }), aggregatorTimeoutMs: wiring.aggregatorTimeoutMs ?? 15_000, stepTimeoutMs: hooks.stepTimeoutMs ?? 30_000 }
      })
      const time = new TimeSplit()
      const errors: SimulationReport['errors'] = []
      // undefined until its loop reports a first step: a provider still fetching the spec and preparing its data counts as busy
      let phase: Phase | undefined
      host.on('loop', ({ loop }) => {
        loop.on('step', (s) => { phase = s.phase; time.step(s.phase) })
        loop.on('phase', (mark) => { hooks.onPhase?.(i, mark) })
        loop.on('error', (e) => {
          const message = errorMessage(e.error)
          const same = errors.find((x) => x.phase === e.phase && x.message === message)
          if (same === undefined) errors.push({ account: providerChain.account, role, phase: e.phase, message, count: 1 })
          else same.count++
        })
      })
      return { host, account: providerChain.account, role, participant: p, attackLog, time, errors, phase: () => phase }
    }))

    // ------------------------------------------------------------ the referee settles splits
    // it reads what providers published from the pinner's blockstore, and publishes its evidence there
    const pinned = blobArtifactStore(createStorage({ blocks: net.relay.helia.blockstore }).blobs, { pin: false })
    const referee = opts.referee
      ? new Referee({
        read: chain.ctxOf(REFEREE),
        write: chain.ctxOf(REFEREE),
        artifacts: () => pinned,
        publish: async (taskId, report) => await net.relay.pinning.keep(taskId.toString(), report, { kind: 'evidence', by: chain.ctxOf(REFEREE).walletClient.account.address }),
        prepare: async () => ({ data: datasetTaskData(train), trainer: honestTrainer }),
        pollIntervalMs: 200,
        log: (line) => { if (line.event !== 'skipped') log(`referee: ${line.event} on round ${line.round} shard ${line.shard} attempt ${line.attempt}${line.event === 'verdict' ? `, winners ${String(line.winnersMask)}` : ''}`) }
      })
      : undefined
    const refereeRun = referee?.run(controller.signal)

    // ------------------------------------------------------------ run, with chain time driven forward when everyone waits
    const finished = new Set<number>()
    const runs = providers.map(async (p, i) => {
      try {
        const [ended] = await p.host.run(controller.signal)
        return ended?.outcome ?? 'stopped'
      } finally {
        finished.add(i)
      }
    })
    // by default a minute a round, at least half an hour: a run that takes longer is stuck
    const timeoutMs = hooks.timeoutMs ?? Math.max(30, opts.rounds) * 60_000
    const guard = setTimeout(() => { controller.abort(new SimulationError(`the task did not complete within ${timeoutMs / 1000} s`)) }, timeoutMs)
    const trafficAt: Array<WireBytes[]> = []
    const rpcAt: number[][] = []
    const startedAt: number[] = []
    let lastSig = ''
    let lastChange = performance.now()
    let lastReport = 0
    let sigSince = performance.now()
    let task: TaskState = await readTask(creator.ctx, { taskId })
    const drive = (async () => {
      while (finished.size < providers.length && !controller.signal.aborted) {
        await new Promise((resolve) => setTimeout(resolve, 500))
        task = await readTask(creator.ctx, { taskId })
        if (task.status === 'Running' && trafficAt[task.currentRound] === undefined) {
          trafficAt[task.currentRound] = providers.map((p) => ({ ...p.participant.traffic.wire }))
          rpcAt[task.currentRound] = providers.map((p) => p.participant.rpc.total)
          startedAt[task.currentRound] = performance.now()
          log(`round ${task.currentRound} started (${((performance.now() - started) / 1000).toFixed(0)} s)`)
        }
        const round: RoundState | undefined = task.status === 'Running' ? await readRound(creator.ctx, { taskId, round: task.currentRound }) : undefined
        const sig = JSON.stringify([task.status, task.currentRound, round?.decidedShards, String(round?.versionId), round?.shards.map((s) => [s.attempt, s.status, s.committedMask, s.revealedMask])])
        // An attacker that waits on others or declines (copy, sniff, noshow, withhold, spam) sits in 'joining' / 'committing' / 'revealing' by design: only its work counts.
        const busy = providers.some((p, i) => { const at = p.phase(); return !finished.has(i) && (at === undefined || (BUSY.has(at) && !(p.role === 'byzantine' && DECLINING.has(at)))) })
        if (sig !== lastSig || busy) {
          if (sig !== lastSig) sigSince = performance.now()
          else if (performance.now() - Math.max(sigSince, lastReport) > BUSY_REPORT_MS) {
            // Chain time stands still while anyone is busy: say who, so a stuck provider is seen rather than a slow run.
            lastReport = performance.now()
            log(`no change on chain for ${((performance.now() - sigSince) / 1000).toFixed(0)} s; providers: ${providers.flatMap((p, i) => finished.has(i) ? [] : [`${p.account.slice(0, 10)} (${p.role}) ${p.phase() ?? 'starting'}`]).join(', ')}`)
          }
          lastSig = sig
          lastChange = performance.now()
          continue
        }
        if (performance.now() - lastChange < STALL_MS || task.status === 'Completed' || task.status === 'Cancelled') continue
        const seconds = task.status === 'Joining' ? JOIN_WINDOW + 1 : WINDOW + 1
        log(`everyone waits on chain time: +${seconds} s (${task.status}, round ${task.currentRound})`)
        await chain.timeTravel(seconds)
        lastChange = performance.now()
      }
    })()
    let runsEndedAt = performance.now()
    try {
      const outcomes = await Promise.all(runs)
      runsEndedAt = performance.now()
      // An attacker that never joins (spam) ends 'not-joined'; every honest provider must complete.
      if (outcomes.some((o, i) => o !== 'completed' && !(providers[i]!.role === 'byzantine' && o === 'not-joined'))) throw new SimulationError(`providers ended with ${outcomes.join(', ')}`)
      if (referee !== undefined) await settled(referee, await chain.publicClient.getBlockNumber({ cacheTime: 0 }))
    } finally {
      clearTimeout(guard)
      controller.abort()
      await Promise.allSettled([...runs, drive, refereeRun])
    }
    for (const p of providers) p.time.close()
    const totalSeconds = (performance.now() - started) / 1000
    log(`task completed in ${totalSeconds.toFixed(0)} s; measuring`)

    // ------------------------------------------------------------ measure
    const toBlock = await chain.publicClient.getBlockNumber({ cacheTime: 0 })
    const accounts = providers.map((p) => p.account)
    const figures = await chainFigures(creator.ctx, { taskId, fromBlock, toBlock, accounts })
    const baseline = new Baseline(definition, initial.weights, train, evaluator, queue)
    const dense = opts.task === 'lm' ? new DenseDiloco(definition, initial.bytes, train, evaluator, queue) : undefined
    let denseLoss: number | null = null
    const finalTraffic = providers.map((p) => ({ ...p.participant.traffic.wire }))
    const finalRpc = providers.map((p) => p.participant.rpc.total)
    const pinning = net.relay.pinning.metrics()
    const reader = chainForAccount(creator.ctx, { fromBlock })
    const rounds: RoundReport[] = []
    const attacksAccepted = new Map<string, number>()
    for (let r = 0; r < opts.rounds; r++) {
      const state = await readRound(creator.ctx, { taskId, round: r })
      const accepted = await reader.readAccepted(taskId, r)
      await countAttacksAccepted(reader, taskId, r, accepted, providers, attacksAccepted)
      const acceptedShards = [...new Set(accepted.map((a) => a.shard))].sort((a, b) => a - b)
      const acceptedResults = accepted.reduce((n, a) => n + popcount(a.winnersMask), 0)
      let network: RoundReport['network'] = null
      if (state.versionId !== 0n) {
        const version = await readVersion(creator.ctx, { versionId: state.versionId })
        const { weights } = decodeVersion(await creatorStore.get(version.modelCid, 'model'))
        const own = await evaluator.evaluate(definition.architecture, weights, {})
        network = { versionId: state.versionId.toString(), registryAccuracy: version.accuracyBps / 10_000, registryLoss: Number(version.loss) / 1e6, accuracy: own.accuracy, loss: own.loss }
      }
      const indices = roundSamples(spec, { datasetSize: train.labels.length, round: r, shards: acceptedShards, shardCount: totalShards })
      const base = await baseline.round(r, indices, acceptedShards.length)
      if (dense !== undefined) {
        const shardSamples = acceptedShards.map((shard) => ({ shard, indices: roundSamples(spec, { datasetSize: train.labels.length, round: r, shards: [shard], shardCount: totalShards }) }))
        denseLoss = (await dense.round(r, shardSamples)).loss
      }
      const gas = figures.rounds.find((g) => g.round === r)
      const before = trafficAt[r] ?? finalTraffic.map(() => ({ sent: 0, received: 0 }))
      const after = trafficAt[r + 1] ?? finalTraffic
      const avg = (f: (t: WireBytes) => number): number => after.reduce((s, t, i) => s + f(t) - f(before[i]!), 0) / providers.length
      const rpcBefore = rpcAt[r] ?? finalRpc.map(() => 0)
      const rpcAfter = rpcAt[r + 1] ?? finalRpc
      rounds.push({
        round: r,
        network,
        baseline: base,
        acceptedShards: acceptedShards.length,
        acceptedResults,
        gas: { total: gas?.gas ?? 0, transactions: gas?.transactions ?? 0, perAcceptedResult: acceptedResults === 0 || gas === undefined ? null : gas.gas / acceptedResults, byFunction: gas?.byFunction ?? {} },
        bytesPerProvider: { sent: avg((t) => t.sent), received: avg((t) => t.received) },
        rpcRequestsPerProvider: rpcAfter.reduce((s, n, i) => s + n - rpcBefore[i]!, 0) / providers.length,
        seconds: roundSeconds(startedAt, r, runsEndedAt),
        syncDataParallelBytesPerProvider: 2 * params * 4 * spec.training.localSteps
      })
      log(`round ${r}: network ${network === null ? '-' : (network.accuracy * 100).toFixed(2)}%, baseline ${(base.accuracy * 100).toFixed(2)}%`)
    }

    const providerReports: ProviderReport[] = await Promise.all(providers.map(async (p, i) => {
      const who = p.account.toLowerCase()
      const rewards = figures.rounds.reduce((s, r) => s + (r.rewards.get(who) ?? 0n), 0n)
      const slash = figures.slashes.get(who)
      return {
        account: p.account,
        role: p.role,
        verdicts: figures.verdicts.get(who) ?? { accepted: 0, outvoted: 0, missed: 0, disputed: 0 },
        attacksAccepted: attacksAccepted.get(p.account) ?? 0,
        slashes: slash?.count ?? 0,
        slashed: (slash?.amount ?? 0n).toString(),
        rewards: rewards.toString(),
        forfeited: (figures.forfeited.get(who) ?? 0n).toString(),
        livenessForfeited: (figures.liveness.get(who) ?? 0n).toString(),
        bondsLost: (figures.bondsLost.get(who) ?? 0n).toString(),
        claimable: (await readClaimable(creator.ctx, { account: p.account as Address })).toString(),
        bytes: finalTraffic[i]!,
        bytesByProtocol: Object.fromEntries([...p.participant.traffic.byProtocol].map(([name, b]) => [name, { ...b }])),
        rpcRequests: Object.fromEntries([...p.participant.rpc.byMethod].sort(([a], [b]) => a.localeCompare(b))),
        time: { ...p.time.seconds },
        attackNotes: p.attackLog.notes
      }
    }))
    const last = rounds.at(-1)
    const lastNet = [...rounds].reverse().find((r) => r.network !== null)?.network ?? null
    // Every round's gas, also that of a round that accepted nothing: its cost falls on the results of the others.
    const acceptedTotal = rounds.reduce((s, r) => s + r.acceptedResults, 0)
    const split = { train: 0, transfer: 0, chain: 0, aggregate: 0, wait: 0 }
    for (const p of providerReports) for (const k of Object.keys(split) as Array<keyof typeof split>) split[k] += p.time[k]
    const freeRider = opts.attack !== 'none' && FREE_RIDERS.has(opts.attack)
    const ourBytes = rounds.reduce((n, r) => n + r.bytesPerProvider.sent + r.bytesPerProvider.received, 0)
    const syncBytes = rounds.reduce((n, r) => n + r.syncDataParallelBytesPerProvider, 0)
    return {
      version: REPORT_VERSION,
      ...(opts.task === 'lm'
        ? { trafficRatio: ourBytes === 0 ? null : syncBytes / ourBytes, valLoss: lastNet?.loss ?? null, centralValLoss: last?.baseline.loss ?? null, denseDilocoValLoss: denseLoss }
        : {}),
      options: opts,
      setup: {
        params,
        shards: totalShards,
        samplesPerShard: spec.training.samplesPerShard,
        localSteps: spec.training.localSteps,
        batchSize: spec.training.batchSize,
        aggregationRule: spec.aggregation.rule,
        nodes: `one libp2p + Helia node per participant (${opts.providers} providers + the creator), WebSockets to one relay that pins every artifact`,
        referee: opts.referee,
        setupGas: figures.setupGas
      },
      rounds,
      providers: providerReports,
      final: {
        networkAccuracy: lastNet?.accuracy ?? null,
        baselineAccuracy: last?.baseline.accuracy ?? 0,
        gapPp: lastNet === null || last === undefined ? null : 100 * (lastNet.accuracy - last.baseline.accuracy),
        maxBytesRatio: Math.max(0, ...rounds.map((r) => (r.bytesPerProvider.sent + r.bytesPerProvider.received) / r.syncDataParallelBytesPerProvider)),
        gasPerAcceptedResult: acceptedTotal === 0 ? null : rounds.reduce((s, r) => s + r.gas.total, 0) / acceptedTotal,
        honestSlashed: providerReports.filter((p) => p.role === 'honest' && p.slashes > 0).length,
        freeRiderRewards: freeRider ? providerReports.filter((p) => p.role === 'byzantine').reduce((s, p) => s + BigInt(p.rewards) - BigInt(p.forfeited), 0n).toString() : '0',
        taskStatus: (await readTask(creator.ctx, { taskId })).status
      },
      pinner: { pins: pinning.pins, rebuilt: pinning.rebuilt },
      wallTime: { total: totalSeconds, split },
      errors: providers.flatMap((p) => p.errors)
    }
  } finally {
    controller.abort()
    await net.stop()
  }
}

/** The task's data: the MNIST digits, or Moby Dick in windows of the tiny transformer's context, its end held out. */
/** The training and held-out data a run of `opts` uses (the corpus windows for `--task lm`). */
export async function simulationData (opts: SimulationOptions): Promise<{ train: Dataset, test: Dataset, vocabulary?: string[] }> {
  if (opts.task === 'mnist') return await loadMnistFromDisk()
  const { vocabulary, data } = textDataset(await loadCorpusFromDisk(), TRANSFORMER_PRESETS.tiny.context, CORPUS_NAME)
  return { ...holdOut(data, 0.1, CORPUS_NAME, LM_EVAL_WINDOWS), vocabulary }
}

/**
 * Waits, at most REFEREE_SETTLE_MS, for the referee to settle what the run left open: the last
 * round's audits and challenges decide slashes and bonds, and the report reads them.
 */
async function settled (referee: Referee, head: bigint): Promise<void> {
  const deadline = performance.now() + REFEREE_SETTLE_MS
  while (!referee.settledTo(head) && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 500))
}

/** Adds to `counts` (account -> n) each winner of `accepted` whose result there was an attack (`AttackLog.attacked`). */
async function countAttacksAccepted (
  reader: ProviderChain, taskId: bigint, round: number, accepted: readonly AcceptedShard[],
  providers: ReadonlyArray<{ account: string, attackLog: AttackLog }>, counts: Map<string, number>
): Promise<void> {
  for (const a of accepted) {
    const winners = (await reader.readRevealed(taskId, round, a.shard, a.attempt)).filter((x) => ((a.winnersMask >> x.replica) & 1) === 1)
    for (const winner of winners) {
      const attacker = providers.find((p) => p.account.toLowerCase() === winner.provider.toLowerCase() && p.attackLog.attacked.has(attackedKey({ round, ...a })))
      if (attacker !== undefined) counts.set(attacker.account, (counts.get(attacker.account) ?? 0) + 1)
    }
  }
}

/** Wall seconds of round `r`: to the next round's start, the last round to `end`; null when its start went unseen. */
function roundSeconds (startedAt: readonly number[], r: number, end: number): number | null {
  const start = startedAt[r]
  return start === undefined ? null : ((startedAt[r + 1] ?? end) - start) / 1000
}

function popcount (mask: number): number {
  let n = 0
  for (let m = mask; m !== 0; m &= m - 1) n++
  return n
}

/** The dev account of provider `i`: accounts from 2 on (past 9 funded by the simulator), leaving out the referee's while it judges. */
function providerAccount (i: number, referee: boolean): number {
  const account = FIRST_PROVIDER + i
  return referee && account >= REFEREE ? account + 1 : account
}
