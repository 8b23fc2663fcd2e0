/**
 * The headless provider: the browser's provider loop (src/provider/) in Node, with the account key
 * from a file, tfjs on WASM or CPU in this process, the same p2p node and relay pinning as a tab,
 * and its state in files so a restart resumes.
 */
import { join } from 'node:path'
import { privateKeyToAccount } from 'viem/accounts'
import { readTaskCreation, type WriteContext } from '../../src/chain/actions/index.ts'
import type { TaskSpec } from '../../src/core/taskSpec.ts'
import {
  chainForAccount, datasetTaskData, fetchTaskSpec, nextTask, inProcessEvaluator, inProcessTrainer, mnistTaskData, ProviderLoop, serialQueue, systemClock,
  type Evaluator, type LoopOutcome, type ProviderChain, type TaskData
} from '../../src/provider/index.ts'
import { loadUploadedDataset } from '../../src/provider/uploadedData.ts'
import { loadMnistFromDisk } from '../../src/train/data/mnistNode.ts'
import type { MnistSplit } from '../../src/train/data/mnistAsset.ts'
import { useNodeBackend } from '../../src/train/nodeBackend.ts'
import type { ProviderConfig } from './args.ts'
import { connectChain } from './chainContext.ts'
import { Display } from './display.ts'
import { FileStateStore } from './fileStateStore.ts'
import { readKeyFile } from './keyFile.ts'
import { startProviderNetwork, type ProviderNetwork } from './network.ts'
import { leftBehind, Shutdown } from './shutdown.ts'

const IDLE_POLL_MS = 3000

/** One tfjs engine per process: every provider in it (a test runs two) trains in turn. */
const engine = serialQueue()
let mnist: Promise<MnistSplit> | undefined
const bundledMnist = async (): Promise<MnistSplit> => await (mnist ??= loadMnistFromDisk())

export interface RunOptions {
  display: Display
  shutdown: Shutdown
  /** Between the loop's ticks (default: the loop's 2 s). */
  pollIntervalMs?: number
}

/** What the run ended with: the outcome of each task worked on, in order. */
export interface RunSummary {
  account: string
  tasks: Array<{ taskId: bigint, outcome: LoopOutcome | 'stopped' }>
}

export async function runProvider (config: ProviderConfig, opts: RunOptions): Promise<RunSummary> {
  const { display, shutdown } = opts
  const { key, warnings } = await readKeyFile(config.keyFile)
  for (const warning of warnings) display.error(warning)
  const account = privateKeyToAccount(key)
  display.info(`account ${account.address}`)

  const ctx = await connectChain({ rpcUrl: config.rpcUrl, chainId: config.chainId, contracts: config.contracts, key })
  display.info(`chain ${config.chainId} at ${config.rpcUrl}`)
  await useNodeBackend(config.backend)
  display.info(`training on tfjs ${config.backend} in this process`)

  const stateDir = config.stateDir ?? join(config.dataDir, `provider-${account.address.toLowerCase()}`)
  const network = await startProviderNetwork({ relays: config.relays, chainId: config.chainId, account, stateDir })
  display.info(`p2p node ${network.node.peerId}, relay ${config.relays.join(', ')}; state in ${stateDir}`)

  const summary: RunSummary = { account: account.address, tasks: [] }
  const chain = chainForAccount(ctx)
  const states = new FileStateStore(join(stateDir, 'state'))
  let idle = false
  try {
    while (!shutdown.signal.aborted) {
      const taskId = config.taskId ?? await nextTask(ctx, chain)
      if (taskId === undefined) {
        if (!idle) display.info('no task is open for joining and this account is in none: waiting for one')
        idle = true
        await systemClock.sleep(IDLE_POLL_MS, shutdown.signal).catch(() => {})
        continue
      }
      idle = false
      const outcome = await runTask(taskId, { config, ctx, chain, network, states, opts })
      summary.tasks.push({ taskId, outcome })
      // An explicit --task is done when that task is; --once stops after the first.
      if (config.once || config.taskId !== undefined || outcome === 'stopped') break
    }
  } finally {
    shutdown.dispose()
    await network.stop()
    display.info('p2p node stopped')
  }
  return summary
}

interface TaskContext {
  config: ProviderConfig
  ctx: WriteContext
  chain: ProviderChain
  network: ProviderNetwork
  states: FileStateStore
  opts: RunOptions
}

async function runTask (taskId: bigint, { config, ctx, chain, network, states, opts }: TaskContext): Promise<LoopOutcome | 'stopped'> {
  const { display, shutdown } = opts
  const signal = shutdown.signal
  const artifacts = network.artifacts(taskId.toString())
  display.info(`task ${taskId}: fetching its spec`)
  const { specCid } = await readTaskCreation(ctx, { taskId })
  const spec = await fetchTaskSpec(artifacts, specCid, { signal })
  const { data, evaluator } = await taskData(spec, network, display, signal)
  let speed = 0
  const loop = new ProviderLoop({
    taskId, spec, data, chain, artifacts, evaluator, state: states,
    trainer: inProcessTrainer({ mnist: async () => (await bundledMnist()).train, queue: engine }),
    stake: config.faucet ? { faucet: true } : {},
    aggregatorTimeoutMs: 30_000,
    claimOnComplete: config.claim,
    ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs })
  })
  const channel = network.node.joinTask({
    taskId: taskId.toString(), signer: network.signer, presence: () => ({ backend: 'node', throughput: Math.round(speed) })
  })
  const offs = [
    loop.on('step', (step) => { shutdown.onStep(step); display.step(step) }),
    loop.on('progress', (event) => { speed = event.progress.samplesPerSec; display.progress(event) }),
    loop.on('action', (a) => {
      display.action(`${a.name}${a.round === undefined ? '' : ` round ${a.round}`}${a.shard === undefined ? '' : ` shard ${a.shard}`}${a.versionId === undefined ? '' : ` version ${a.versionId}`}${a.detail === undefined ? '' : `: ${a.detail}`}`)
    }),
    loop.on('error', (e) => { display.error(`${e.fatal ? 'fatal ' : ''}error while ${e.phase}${e.round === undefined ? '' : ` round ${e.round}`}${e.shard === undefined ? '' : ` shard ${e.shard}`}: ${firstLine(e.error)}`) })
  ]
  try {
    const outcome = await loop.run(signal)
    display.info(`task ${taskId}: ${outcome}`)
    return outcome
  } catch (error) {
    if (!signal.aborted) throw error
    const left = leftBehind(loop.snapshot())
    display.info(`task ${taskId}: stopped${left.length === 0 ? '; no result is waiting for a commit or reveal' : ''}`)
    for (const line of left) display.info(`  ${line}`)
    return 'stopped'
  } finally {
    for (const off of offs) off()
    channel.leave()
    display.info(`task ${taskId}: left the task channel`)
  }
}

/** The bundled MNIST from disk, or the task's uploaded data set fetched by its manifest. */
async function taskData (spec: TaskSpec, network: ProviderNetwork, display: Display, signal: AbortSignal): Promise<{ data: TaskData, evaluator: Evaluator }> {
  if (spec.dataset.manifestCid === undefined) {
    return { data: mnistTaskData(), evaluator: inProcessEvaluator((await bundledMnist()).test, { queue: engine }) }
  }
  display.info(`fetching the data set ${spec.dataset.manifestCid}`)
  const { train, test } = await loadUploadedDataset(network.node.storage, spec, { signal })
  return { data: datasetTaskData(train), evaluator: inProcessEvaluator(test, { queue: engine }) }
}

export function firstLine (error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.name : String(error)
}
