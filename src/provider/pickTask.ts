import { readTask, readTaskCount, type ReadContext, type TaskState } from '../chain/actions/index.ts'
import type { ProviderChain } from './types.ts'

export interface TaskCandidate {
  task: Pick<TaskState, 'taskId' | 'status' | 'joinDeadline' | 'rewardPerResult' | 'trainMflop'>
  /** this account already joined it */
  joined: boolean
}

/**
 * The task a volunteer's Contribute switch works on: a running or joining task it already joined
 * (oldest first: finish what was started), else, of the tasks still open for joining, the one that
 * pays the most per hour: reward per accepted result over the compute the task declares for one
 * (the newest among equals). Never simply the newest, nor the largest reward per result: a task
 * created last with a token reward, or one paying more for far more work, would otherwise capture
 * every volunteer. A task that under-declares its compute is refused when its spec is checked
 * against its declaration (`checkDeclaredResources`). Tasks in `refused`
 * (their spec did not load, or asks more than a volunteer lends) are never picked again. Undefined
 * when there is nothing to do.
 */
export function pickTask (candidates: readonly TaskCandidate[], now: bigint, refused: ReadonlySet<bigint> = new Set()): bigint | undefined {
  const live = candidates.filter((c) => (c.task.status === 'Joining' || c.task.status === 'Running') && !refused.has(c.task.taskId))
  const mine = live.filter((c) => c.joined).sort((a, b) => Number(a.task.taskId - b.task.taskId))[0]
  if (mine !== undefined) return mine.task.taskId
  const open = live
    .filter((c) => !c.joined && c.task.status === 'Joining' && c.task.joinDeadline > now)
    .sort((a, b) => comparePayPerHour(b.task, a.task) || Number(b.task.taskId - a.task.taskId))[0]
  return open?.task.taskId
}

/** The sign of pay per hour of `a` minus that of `b`, exactly (reward over compute, cross-multiplied). */
function comparePayPerHour (a: TaskCandidate['task'], b: TaskCandidate['task']): number {
  const left = a.rewardPerResult * BigInt(b.trainMflop)
  const right = b.rewardPerResult * BigInt(a.trainMflop)
  return left > right ? 1 : left < right ? -1 : 0
}

/** Reads every task and whether this account joined it, and picks with `pickTask`. */
export async function nextTask (ctx: ReadContext, chain: Pick<ProviderChain, 'isProvider' | 'now'>, refused?: ReadonlySet<bigint>): Promise<bigint | undefined> {
  const count = await readTaskCount(ctx)
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1))
  const candidates = await Promise.all(ids.map(async (taskId) => ({ task: await readTask(ctx, { taskId }), joined: await chain.isProvider(taskId) })))
  return pickTask(candidates, await chain.now(), refused)
}
