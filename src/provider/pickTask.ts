import { readTask, readTaskCount, type ReadContext, type TaskState } from '../chain/actions/index.ts'
import type { MLBridgeClient, TaskQuery } from '../sdk/client.ts'
import type { Task } from '../sdk/schemas.ts'
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

/**
 * Where the host finds the tasks it may pick. One source is chosen when the host is built: the
 * indexer's API where the network has one (`candidatesFromApi`), else the chain (`candidatesFromChain`).
 */
export type TaskCandidates = () => Promise<TaskCandidate[]>

/** The most tasks one request asks for (the API's largest page). */
const API_PAGE = 200

/**
 * From the indexer's API: the running or joining tasks this account joined, and the tasks open for
 * joining, a few requests however many tasks there are. The indexer trails the chain by about its
 * polling interval, so a task created a moment ago shows up on a later poll, and one that just ended
 * may still look live: the loop reads the chain before acting and ends at once on such a task.
 */
export function candidatesFromApi (api: Pick<MLBridgeClient, 'tasks'>, account: string): TaskCandidates {
  return async () => {
    const [mine, open] = await Promise.all([
      allTasks(api, { provider: account, status: ['Joining', 'Running'] }),
      allTasks(api, { status: 'Joining' })
    ])
    const joined = new Set(mine.map((t) => t.id))
    const byId = new Map([...open, ...mine].map((t) => [t.id, t]))
    return [...byId.values()].map((t) => ({ task: candidateOf(t), joined: joined.has(t.id) }))
  }
}

/**
 * From the chain alone: every task, and whether this account joined it, read on each call (two
 * reads per task ever created). For a network whose config names no indexer API.
 */
export function candidatesFromChain (ctx: ReadContext, chain: Pick<ProviderChain, 'membership'>): TaskCandidates {
  return async () => {
    const count = await readTaskCount(ctx)
    const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1))
    return await Promise.all(ids.map(async (taskId) => ({ task: await readTask(ctx, { taskId }), joined: await chain.membership(taskId) !== 'none' })))
  }
}

/**
 * Gets the candidates from `candidates` and picks with `pickTask` at the chain's time; with
 * `joinedOnly` (a paused volunteer joins nothing new), among the tasks this account joined alone.
 */
export async function nextTask (candidates: TaskCandidates, chain: Pick<ProviderChain, 'now'>, refused?: ReadonlySet<bigint>, joinedOnly = false): Promise<bigint | undefined> {
  const [list, now] = await Promise.all([candidates(), chain.now()])
  return pickTask(joinedOnly ? list.filter((c) => c.joined) : list, now, refused)
}

/** Every page of a filtered task list. */
async function allTasks (api: Pick<MLBridgeClient, 'tasks'>, query: TaskQuery): Promise<Task[]> {
  const tasks: Task[] = []
  let cursor: string | undefined
  do {
    const page = await api.tasks({ ...query, limit: API_PAGE, ...(cursor === undefined ? {} : { cursor }) })
    tasks.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor !== undefined)
  return tasks
}

/** The API's task (amounts as decimal strings) as `pickTask` weighs it. */
function candidateOf (task: Task): TaskCandidate['task'] {
  return { taskId: BigInt(task.id), status: task.status, joinDeadline: BigInt(task.joinDeadline), rewardPerResult: BigInt(task.rewardPerResult), trainMflop: task.trainMflop }
}
