import { getAddress, type Address, type Hex } from 'viem'
import {
  readClaimables, readEscrow, readProviders, readRounds, readTask, readTaskCount, readVersions,
  type ReadContext, type RoundState, type TaskState, type VersionState
} from '../../chain/actions/index.ts'
import type { ProtocolEventLog } from '../../chain/eventLog.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { MLBridgeError } from '../../core/errors.ts'
import { allPages, chainEventsOfTask, type MLBridgeClient, type Version } from '../../sdk/index.ts'
import { indexed, unindexed, type ReadSource, type Unread } from '../readSource.ts'

/** What the page shows of a version: its round's loss and accuracy. */
export type TaskVersion = Pick<VersionState, 'versionId' | 'round' | 'status' | 'accuracyBps' | 'loss'>

export interface TaskDetail {
  task: TaskState
  /** From the TaskCreated event: the task struct does not keep them. */
  name: string
  description: string
  specCid: Hex
  datasetCid: Hex
  /** Escrowed at creation (the task's whole budget). */
  budget: bigint
  escrowLeft: bigint
  /** Rounds started so far, oldest first. */
  rounds: RoundState[]
  /** The final (or proposed) version of each round that has one. */
  versions: TaskVersion[]
  providers: Address[]
  claimable: Map<Address, bigint>
  /** Chain order. */
  events: ProtocolEvent[]
  /**
   * The latest block's timestamp (seconds): the clock the contracts judge deadlines by, so the page
   * calls a task expired when a transaction ending it would succeed, whatever the browser's clock says.
   */
  chainTime: bigint
}

/** The history the page derives its sections from; the live state (task, rounds, balances) is the chain's. */
interface TaskHistory {
  events: ProtocolEvent[]
  providers: Address[]
  /** The versions of these IDs that the source knows. */
  versionsOf: (ids: bigint[]) => Promise<TaskVersion[]>
}

/**
 * Everything the task page shows, read in one go; `missing` when no task has this id, `indexing`
 * while the API has yet to index a task the chain has (it trails the chain by a block or so).
 */
export async function loadTaskDetail (ctx: ReadContext, source: ReadSource, taskId: bigint): Promise<TaskDetail | Unread> {
  const history = 'api' in source ? await apiHistory(ctx, source.api, taskId) : await chainHistory(ctx, source.taskLog, taskId)
  if (typeof history === 'string') return history
  const { events, providers } = history
  const [task, escrowLeft, head] = await Promise.all([readTask(ctx, { taskId }), readEscrow(ctx, { taskId }), ctx.publicClient.getBlock()])
  // the rounds the history has reached, so the rounds and their events agree while the API trails the chain
  const started = events.filter((event) => event.eventName === 'RoundStarted').length
  // batched: a page load makes a few calls however many rounds and shards the task has
  const [rounds, claimable] = await Promise.all([
    readRounds(ctx, { taskId, rounds: Array.from({ length: started }, (_, round) => round), task }),
    readClaimables(ctx, { accounts: providers })
  ])
  const versions = await history.versionsOf(rounds.filter((r) => r.versionId !== 0n).map((r) => r.versionId))
  // The task exists (its id is at most the count, or the API indexed it), so its TaskCreated is in the history.
  const created = events.find((event) => event.eventName === 'TaskCreated')
  if (created?.eventName !== 'TaskCreated') throw new MLBridgeError('TASK_EVENT_MISSING', `task ${taskId}: its TaskCreated event is missing`)
  return {
    task,
    name: created.args.name,
    description: created.args.description,
    specCid: created.args.specCid,
    datasetCid: created.args.datasetCid,
    budget: created.args.escrow,
    escrowLeft,
    rounds,
    versions,
    providers,
    claimable,
    events,
    chainTime: head.timestamp
  }
}

const exists = async (ctx: ReadContext, taskId: bigint): Promise<boolean> => taskId !== 0n && taskId <= await readTaskCount(ctx)

async function chainHistory (ctx: ReadContext, taskLog: (taskId: bigint) => ProtocolEventLog, taskId: bigint): Promise<TaskHistory | 'missing'> {
  // checked first: a log kept for an id nobody created would push a real task's out
  if (!await exists(ctx, taskId)) return 'missing'
  const [events, providers] = await Promise.all([taskLog(taskId).events(), readProviders(ctx, { taskId })])
  return {
    events: [...events],
    providers,
    versionsOf: async (versionIds) => (await readVersions(ctx, { versionIds }))
      .map(({ versionId, round, status, accuracyBps, loss }) => ({ versionId, round, status, accuracyBps, loss }))
  }
}

async function apiHistory (ctx: ReadContext, api: MLBridgeClient, taskId: bigint): Promise<TaskHistory | Unread> {
  const detail = await indexed(api.task(taskId))
  if (detail === undefined) return await unindexed(exists(ctx, taskId))
  const [events, versions] = await Promise.all([chainEventsOfTask(api, taskId), taskVersions(api, taskId)])
  return {
    events,
    // places only, as the chain's providersOf: an applicant the draw left out trains nothing
    providers: detail.providers.filter((p) => !p.applicant).map((p) => getAddress(p.provider)),
    versionsOf: async (ids) => ids.flatMap((id) => versions.get(id) ?? [])
  }
}

/** The task's versions the API has indexed with their metrics, by ID. */
async function taskVersions (api: MLBridgeClient, taskId: bigint): Promise<Map<bigint, TaskVersion>> {
  const shown = (await allPages(async (page) => await api.versions({ task: taskId, ...page }))).flatMap((v) => taskVersionOf(v) ?? [])
  return new Map(shown.map((v) => [v.versionId, v]))
}

/** Undefined for a version not yet both registered and proposed (the API fills its row from both events). */
function taskVersionOf (v: Version): TaskVersion | undefined {
  if (v.round === null || v.status === null || v.accuracyBps === null || v.loss === null) return undefined
  return { versionId: BigInt(v.id), round: BigInt(v.round), status: v.status, accuracyBps: v.accuracyBps, loss: BigInt(v.loss) }
}
