/**
 * Releases a task's pins once the task has ended and a retention period has passed, so the
 * pinner's disk holds the data of live tasks (and of ended ones for as long as someone may still
 * check them), not everything ever uploaded.
 */
import { TASK_STATUSES, type ReadContext } from '../src/chain/actions/index.ts'
import { TaskManagerAbi } from '../src/chain/generated/abis.ts'
import type { PinLogger, PinService } from '../src/p2p/pinService.ts'
import { PRE_TASK_ID } from './pinAuthorization.ts'

export const DEFAULT_RETENTION_SECONDS = 7 * 24 * 3600

export interface PinRetentionOptions {
  chain: ReadContext
  pinning: Pick<PinService, 'pinnedTasks' | 'release'>
  /** chain-time seconds a task's pins are kept after it ended (its `closedAt`) @default 7 days */
  retentionSeconds?: number
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

  const check = async (): Promise<string[]> => {
    const released: string[] = []
    const tasks = await opts.pinning.pinnedTasks()
    if (tasks.length === 0) return released
    const now = (await publicClient.getBlock({ blockTag: 'latest' })).timestamp
    for (const taskId of tasks) {
      // What a creator published before its task existed has no task to end with (yet).
      if (taskId === PRE_TASK_ID) continue
      const task = await publicClient.readContract({ address: contracts.TaskManager, abi: TaskManagerAbi, functionName: 'getTask', args: [BigInt(taskId)] })
      const status = TASK_STATUSES[task.status] ?? 'None'
      const ended = status === 'Completed' || status === 'Cancelled'
      if (status !== 'None' && !(ended && now >= task.closedAt + retention)) continue
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
