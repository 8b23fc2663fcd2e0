/**
 * Releases a task's pins once the task has ended and a retention period has passed, so the
 * pinner's disk holds the data of live tasks (and of ended ones for as long as someone may still
 * check them), not everything ever uploaded. What a creator published before its task existed
 * (task 0) is adopted by the task that names it when `TaskCreated` appears; whatever no task
 * adopted within a grace period is released. What a task trained outlives it: before an ended
 * task's pins go, its spec and the final versions on its model's line pass to a lasting holder
 * (`modelHolder`), so the market's models stay downloadable and runnable.
 */
import type { BlockNumber, Hex } from 'viem'
import { TASK_STATUSES, listModelVersions, logsFrom, readModel, readTaskCreation, readVersion, readVersions, type ReadContext } from '../src/chain/actions/index.ts'
import { TaskManagerAbi } from '../src/chain/generated/abis.ts'
import type { PinLogger, PinService } from '../src/p2p/pinService.ts'
import { hexToCid } from '../src/provider/artifacts.ts'
import { PRE_TASK_ID } from './pinAuthorization.ts'

export const DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600
/** how long a pre-task pin waits for a task to adopt it: enough to publish, then sign `createTask` */
export const DEFAULT_PRE_TASK_GRACE_MS = 24 * 3600 * 1000

/**
 * The holder that keeps a trained model's artifacts for good. Pin requests name decimal task IDs
 * only (`taskIdSchema`), so no uploader can pin under it: only this retention hands pins to it.
 */
export const modelHolder = (modelId: bigint): string => `model:${modelId}`

const isTaskHolder = (holder: string): boolean => /^\d+$/.test(holder)

export interface PinRetentionOptions {
  chain: ReadContext
  pinning: Pick<PinService, 'pinnedTasks' | 'release' | 'adopt'>
  /** chain-time seconds a task's pins are kept after it ended (its `closedAt`) @default 7 days */
  retentionSeconds?: number
  /** pinner-clock ms a pre-task pin waits for a task to adopt it @default 1 day */
  preTaskGraceMs?: number
  /** the pinner's clock, unix ms (what pins' `pinnedAt` is in) @default Date.now */
  now?: () => number
  /** how often the pinned tasks are checked @default 60 s */
  pollMs?: number
  logger: PinLogger
}

export interface PinRetention {
  /** checks every pinned task now; returns the tasks whose pins were released */
  check: () => Promise<string[]>
  stop: () => void
}

/**
 * Polls the chain for the tasks that have pins. Chain time, not the pinner's clock, measures the
 * retention, since the task's end is a chain timestamp. A task the chain does not know (the local
 * stack starts a fresh chain on every start, while the pinner's disk persists) is released at once.
 */
export function startPinRetention (opts: PinRetentionOptions): PinRetention {
  const retention = BigInt(opts.retentionSeconds ?? DEFAULT_RETENTION_SECONDS)
  const pollMs = opts.pollMs ?? 60_000
  const { publicClient, contracts } = opts.chain

  const grace = opts.preTaskGraceMs ?? DEFAULT_PRE_TASK_GRACE_MS
  const clock = opts.now ?? Date.now
  // nothing before the deployment block needs reading
  let scannedTo = logsFrom(opts.chain) - 1n

  /**
   * Each new task adopts the spec, data set and initial model it names, if they were pinned before
   * it, and task 0 lets go of them at once: they then count against the new task, not against task
   * 0's budget, which would otherwise stay taken by tasks already created for the whole grace.
   */
  const adoptNewTasks = async (): Promise<void> => {
    const head = await publicClient.getBlockNumber({ cacheTime: 0 })
    if (head <= scannedTo) return
    const created = await publicClient.getContractEvents({ address: contracts.TaskManager, abi: TaskManagerAbi, eventName: 'TaskCreated', fromBlock: scannedTo + 1n as BlockNumber, toBlock: head, strict: true })
    for (const e of created) {
      const { modelCid } = await readVersion(opts.chain, { versionId: e.args.initialVersionId })
      const cids = [e.args.specCid, e.args.datasetCid, modelCid].map((hex) => hexToCid(hex as Hex))
      await opts.pinning.adopt(e.args.taskId.toString(), cids)
      // only after the adoption: released first, a pin task 0 alone holds would be unpinned
      await opts.pinning.release(PRE_TASK_ID, { cids })
    }
    scannedTo = head
  }

  /**
   * Hands the spec and the final versions on the model's line (head back to the task's initial
   * version) to the model's lasting holder; `adopt` marks only what is pinned already. A task
   * that trained nothing keeps nothing: otherwise creating and cancelling tasks would buy lasting
   * storage for the price of gas.
   */
  const keepTrainedModel = async (taskId: bigint, modelId: bigint): Promise<void> => {
    const model = await readModel(opts.chain, { modelId })
    const { specCid, initialVersionId } = await readTaskCreation(opts.chain, { taskId })
    if (model.head === initialVersionId) return
    // the model's versions in one log query and one multicall, however many rounds it had
    const versionIds = await listModelVersions(opts.chain, { modelId })
    const versions = new Map((await readVersions(opts.chain, { versionIds })).map((v) => [v.versionId, v]))
    const kept = [hexToCid(specCid)]
    for (let version = versions.get(model.head); version !== undefined; version = versions.get(version.parent)) {
      if (version.status === 'Final') kept.push(hexToCid(version.modelCid))
    }
    await opts.pinning.adopt(modelHolder(modelId), kept)
  }

  const check = async (): Promise<string[]> => {
    const released: string[] = []
    await adoptNewTasks()
    if (await opts.pinning.release(PRE_TASK_ID, { pinnedBefore: clock() - grace }) > 0) released.push(PRE_TASK_ID)
    const tasks = await opts.pinning.pinnedTasks()
    if (tasks.length === 0) return released
    const now = (await publicClient.getBlock({ blockTag: 'latest' })).timestamp
    for (const taskId of tasks) {
      if (taskId === PRE_TASK_ID || !isTaskHolder(taskId)) continue
      const task = await publicClient.readContract({ address: contracts.TaskManager, abi: TaskManagerAbi, functionName: 'getTask', args: [BigInt(taskId)] })
      const status = TASK_STATUSES[task.status] ?? 'None'
      const ended = status === 'Completed' || status === 'Cancelled'
      if (status !== 'None' && !(ended && now >= task.closedAt + retention)) continue
      if (ended) await keepTrainedModel(BigInt(taskId), task.modelId)
      await opts.pinning.release(taskId)
      released.push(taskId)
    }
    return released
  }

  let timer: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const loop = (): void => {
    timer = setTimeout(() => {
      check().catch((err: unknown) => {
        opts.logger.warn('retention-check-failed', { reason: err instanceof Error ? err.message : String(err) })
      }).finally(() => { if (!stopped) loop() })
    }, pollMs)
  }
  loop()
  return {
    check,
    stop: () => {
      stopped = true
      clearTimeout(timer)
    }
  }
}
