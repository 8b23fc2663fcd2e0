import { readTask, readTaskCount, type ReadContext, type TaskState } from '../chain/actions/index.ts'
import type { ProviderChain } from './types.ts'

export interface TaskCandidate {
  task: Pick<TaskState, 'taskId' | 'status' | 'joinDeadline' | 'rewardPerResult'>
  /** this account already joined it */
  joined: boolean
}

/**
 * The task a volunteer's Contribute switch works on: a running or joining task it already joined
 * (oldest first: finish what was started), else, of the tasks still open for joining, the one that
 * pays the most per accepted result (the newest among equals). Never simply the newest: a task
 * created last with a token reward would otherwise capture every volunteer. Tasks in `refused`
 * (their spec did not load, or asks more than a volunteer lends) are never picked again. Undefined
 * when there is nothing to do.
 */
export function pickTask (candidates: readonly TaskCandidate[], now: bigint, refused: ReadonlySet<bigint> = new Set()): bigint | undefined {
  const live = candidates.filter((c) => (c.task.status === 'Joining' || c.task.status === 'Running') && !refused.has(c.task.taskId))
  const mine = live.filter((c) => c.joined).sort((a, b) => Number(a.task.taskId - b.task.taskId))[0]
  if (mine !== undefined) return mine.task.taskId
  const open = live
    .filter((c) => !c.joined && c.task.status === 'Joining' && c.task.joinDeadline > now)
    .sort((a, b) => (b.task.rewardPerResult > a.task.rewardPerResult ? 1 : b.task.rewardPerResult < a.task.rewardPerResult ? -1 : Number(b.task.taskId - a.task.taskId)))[0]
  return open?.task.taskId
}

/** Reads every task and whether this account joined it, and picks with `pickTask`. */
export async function nextTask (ctx: ReadContext, chain: Pick<ProviderChain, 'isProvider' | 'now'>, refused?: ReadonlySet<bigint>): Promise<bigint | undefined> {
  const count = await readTaskCount(ctx)
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1))
  const candidates = await Promise.all(ids.map(async (taskId) => ({ task: await readTask(ctx, { taskId }), joined: await chain.isProvider(taskId) })))
  return pickTask(candidates, await chain.now(), refused)
}
