/**
 * The headless provider: the provider host (src/provider/host.ts) in Node, with the account key
 * from a file, tfjs on WebGPU, WASM or CPU in this process, the same p2p node and relay pinning as
 * a tab, and its state in files so a restart resumes.
 */
import { join } from 'node:path'
import { privateKeyToAccount } from 'viem/accounts'
import { errorMessage } from '../../src/core/errors.ts'
import type { TaskDefinition } from '../../src/core/taskDefinition.ts'
import {
  chainForAccount, inProcessEvaluator, ProviderHost,
  type LoopOutcome, type PreparedTask, type ProviderLoop
} from '../../src/provider/index.ts'
import { createClient } from '../../src/sdk/client.ts'
import { describeNodeBackend, useNodeBackend } from '../../src/train/nodeBackend.ts'
import { LOCAL_PIN_KEEP_MS } from '../../src/storage/localRetention.ts'
import type { ProviderConfig } from './args.ts'
import { connectChain } from './chainContext.ts'
import { Display } from './display.ts'
import { FileStateStore } from './fileStateStore.ts'
import { readKeyFile } from './keyFile.ts'
import { startProviderNetwork, type ProviderNetwork } from './network.ts'
import { leftBehind, Shutdown } from './shutdown.ts'
import { engine, prepareInProcess } from '../taskData.ts'

export interface RunOptions {
  display: Display
  shutdown: Shutdown
  /** Longest wait between the loop's ticks (default: the loop's). */
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

  const ctx = await connectChain({ rpcUrl: config.rpcUrl, chainId: config.chainId, contracts: config.contracts, deploymentBlock: config.deploymentBlock, key })
  display.info(`chain ${config.chainId} at ${config.rpcUrl}`)
  display.info(describeNodeBackend(await useNodeBackend(config.backend)))

  const stateDir = config.stateDir ?? join(config.dataDir, `provider-${account.address.toLowerCase()}`)
  const network = await startProviderNetwork({ relays: config.relays, chainId: config.chainId, chain: ctx, account, stateDir })
  display.info(`p2p node ${network.node.peerId}, relay ${config.relays.join(', ')}; state in ${stateDir}`)
  network.node.events.on('storage:sweep', (outcome) => {
    if ('error' in outcome) display.error(`the sweep of old blocks in ${stateDir} failed: ${errorMessage(outcome.error)}`)
    else display.info(`swept ${stateDir}: released ${outcome.released} local pin${outcome.released === 1 ? '' : 's'} older than ${LOCAL_PIN_KEEP_MS / 3600_000} h, deleted ${outcome.deleted} block${outcome.deleted === 1 ? '' : 's'} no pin holds${outcome.more ? ' (more in a minute)' : ''}`)
  })

  display.info(config.api === undefined ? 'no indexer API: tasks are found by reading every task from the chain' : `tasks found through the indexer API at ${config.api}`)

  let speed = 0
  const host = new ProviderHost({
    read: ctx,
    chain: chainForAccount(ctx),
    ...(config.api === undefined ? {} : { api: createClient({ api: config.api }) }),
    artifacts: (taskId) => network.artifacts(taskId.toString()),
    prepare: async (task, signal) => await prepare(task, network, display, signal),
    states: new FileStateStore(join(stateDir, 'state')),
    gossip: (taskId) => network.node.joinTask({
      taskId: taskId.toString(), signer: network.signer, presence: () => ({ backend: 'node', throughput: Math.round(speed) })
    }),
    ...(config.taskId === undefined ? {} : { taskId: config.taskId }),
    once: config.once,
    loop: {
      stake: config.faucet ? { faucet: true } : {},
      aggregatorTimeoutMs: 30_000,
      claimOnComplete: config.claim,
      ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs })
    }
  })
  let current: ProviderLoop | undefined
  host.on('idle', () => { display.info('no task is open for joining and this account is in none: waiting for one') })
  host.on('task', ({ taskId, stage }) => { if (stage === 'fetching spec') display.info(`task ${taskId}: fetching its spec`) })
  host.on('refused', ({ taskId, error }) => { display.error(`task ${taskId} skipped: ${error.message}`) })
  host.on('loop', ({ loop }) => {
    current = loop
    loop.on('step', (step) => { shutdown.onStep(step); display.step(step) })
    loop.on('progress', (event) => { speed = event.progress.samplesPerSec; display.progress(event) })
    loop.on('action', (a) => {
      display.action(`${a.name}${a.round === undefined ? '' : ` round ${a.round}`}${a.shard === undefined ? '' : ` shard ${a.shard}`}${a.versionId === undefined ? '' : ` version ${a.versionId}`}${a.detail === undefined ? '' : `: ${a.detail}`}`)
    })
    loop.on('error', (e) => { display.error(`${e.fatal ? 'fatal ' : ''}error while ${e.phase}${e.round === undefined ? '' : ` round ${e.round}`}${e.shard === undefined ? '' : ` shard ${e.shard}`}: ${errorMessage(e.error)}`) })
  })
  host.on('outcome', ({ taskId, outcome }) => {
    if (outcome !== 'stopped') {
      display.info(`task ${taskId}: ${outcome}`)
    } else {
      const left = current === undefined ? [] : leftBehind(current.snapshot())
      display.info(`task ${taskId}: stopped${left.length === 0 ? '; no result is waiting for a commit or reveal' : ''}`)
      for (const line of left) display.info(`  ${line}`)
    }
    display.info(`task ${taskId}: left the task channel`)
  })

  try {
    return { account: account.address, tasks: await host.run(shutdown.signal) }
  } finally {
    shutdown.dispose()
    await network.stop()
    display.info('p2p node stopped')
  }
}

/** The task's data and an in-process trainer (node/taskData.ts), and an evaluator on its held-out split. */
async function prepare (task: TaskDefinition, network: ProviderNetwork, display: Display, signal: AbortSignal): Promise<PreparedTask> {
  if (task.spec.dataset.manifestCid !== undefined) display.info(`fetching the data set ${task.spec.dataset.manifestCid}`)
  const { data, trainer, test } = await prepareInProcess(task.spec, network.node.storage, { signal })
  return { data, trainer, evaluator: inProcessEvaluator(test, { queue: engine }) }
}
