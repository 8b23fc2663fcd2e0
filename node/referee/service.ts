/**
 * The referee as the local stack runs it, in its own process (node/referee/main.ts): reading the
 * chain over RPC and the tasks' artifacts from the stack's gateway (the pinner holds every spec,
 * model and sealed delta a provider published), re-executing shards on tfjs's WASM backend, and
 * publishing its evidence reports on the same pinner, under the task, before each verdict.
 */
import { createWalletClient, http, type LocalAccount } from 'viem'
import type { ReadContext, WriteContext } from '../../src/chain/actions/index.ts'
import type { PinService } from '../../src/p2p/pinService.ts'
import { blobArtifactStore } from '../../src/provider/artifacts.ts'
import { createStorage, type BlockAccess } from '../../src/storage/index.ts'
import { useNodeBackend } from '../../src/train/nodeBackend.ts'
import { prepareInProcess } from '../taskData.ts'
import type { RefereeMetrics } from '../observability/metrics.ts'
import { Referee, type EvidenceReport, type RefereeOptions } from './referee.ts'

export interface RefereeServiceOptions {
  /** the chain it referees */
  chain: ReadContext
  /** where the referee's transactions go (the chain's RPC) */
  rpcUrl: string
  /** the account that holds REFEREE_ROLE */
  account: LocalAccount
  /** where the tasks' artifacts are */
  blocks: BlockAccess
  /** the pinner that keeps the evidence reports */
  pinning: Pick<PinService, 'keep'>
  log?: RefereeOptions['log']
  pollIntervalMs?: number
  auditRate?: number
}

export interface RefereeService {
  referee: Referee
  /** counters since start, for the operator's metrics endpoint */
  metrics: () => RefereeMetrics
  stop: () => Promise<void>
}

export async function startRefereeService (opts: RefereeServiceOptions): Promise<RefereeService> {
  const { publicClient } = opts.chain
  const write: WriteContext = { ...opts.chain, walletClient: createWalletClient({ account: opts.account, chain: publicClient.chain, transport: http(opts.rpcUrl), pollingInterval: publicClient.pollingInterval }) }
  await useNodeBackend('wasm')
  const storage = createStorage({ blocks: opts.blocks })
  const artifacts = blobArtifactStore(storage.blobs, { pin: false })
  const referee = new Referee({
    read: write,
    write,
    artifacts: () => artifacts,
    publish: async (taskId, report) => await opts.pinning.keep(taskId.toString(), report, { kind: 'evidence', by: opts.account.address }),
    prepare: async (definition, signal) => await prepareInProcess(definition.spec, storage, { signal }),
    ...(opts.log === undefined ? {} : { log: opts.log }),
    ...(opts.pollIntervalMs === undefined ? {} : { pollIntervalMs: opts.pollIntervalMs }),
    ...(opts.auditRate === undefined ? {} : { auditRate: opts.auditRate })
  })
  const reexecutions = { count: 0, totalMs: 0 }
  const reexecuted = ({ report }: { report: EvidenceReport }): void => {
    reexecutions.count++
    reexecutions.totalMs += report.reexecution.durationMs
  }
  referee.on('verdict', reexecuted)
  referee.on('abstained', reexecuted)
  referee.on('audit', reexecuted)
  referee.on('resultChallenge', reexecuted)
  const controller = new AbortController()
  const running = referee.run(controller.signal)
  return {
    referee,
    metrics: () => ({ ...referee.counters, reexecutions: { ...reexecutions } }),
    stop: async () => {
      controller.abort()
      await running
    }
  }
}
