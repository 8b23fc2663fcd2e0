import type { Address, Hex } from 'viem'
import {
  readClaimable, readEscrow, readProviders, readRound, readTask, readTaskCount, readVersion, selectTaskEvents,
  type ReadContext, type RoundState, type TaskState, type VersionState
} from '../../chain/actions/index.ts'
import type { ProtocolEventLog } from '../../chain/eventLog.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { MLBridgeError } from '../../core/errors.ts'

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
  versions: VersionState[]
  providers: Address[]
  claimable: Map<Address, bigint>
  /** Chain order. */
  events: ProtocolEvent[]
}

/** Everything the task page shows, read in one go (its events from `log`); `missing` when no task has this id. */
export async function loadTaskDetail (ctx: ReadContext, log: ProtocolEventLog, taskId: bigint): Promise<TaskDetail | 'missing'> {
  const count = await readTaskCount(ctx)
  if (taskId === 0n || taskId > count) return 'missing'
  const [task, events, providers, escrowLeft] = await Promise.all([
    readTask(ctx, { taskId }),
    log.events().then((all) => selectTaskEvents(all, taskId)),
    readProviders(ctx, { taskId }),
    readEscrow(ctx, { taskId })
  ])
  const started = events.filter((event) => event.eventName === 'RoundStarted').length
  const rounds = await Promise.all(Array.from({ length: started }, async (_, round) => await readRound(ctx, { taskId, round, task })))
  const versions = await Promise.all(rounds.filter((r) => r.versionId !== 0n).map(async (r) => await readVersion(ctx, { versionId: r.versionId })))
  const claimable = new Map(await Promise.all(providers.map(async (account) => [account, await readClaimable(ctx, { account })] as const)))
  // The task exists (its id is at most the count), so its TaskCreated is in the log.
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
    events
  }
}
