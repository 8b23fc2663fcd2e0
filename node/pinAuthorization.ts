/**
 * Who may pin on the local stack's pinner: the chain decides, so a peer of no task (or of a task
 * that ended) cannot make the pinner store anything. The pin service stays chain-agnostic and
 * takes this as its `authorize` function.
 */
import type { Address } from 'viem'
import { readIsReferee, readTaskMembers, type ReadContext, type TaskMembersState } from '../src/chain/actions/index.ts'
import { cachedReads } from '../src/core/cachedReads.ts'
import { memberRole, type PinRequest } from '../src/core/messages/index.ts'
import type { PinAuthorization } from '../src/p2p/pinService.ts'

/** Statuses in which a task still produces artifacts worth pinning. */
const LIVE_STATUSES: ReadonlySet<string> = new Set(['Joining', 'Running'])

/**
 * The task id a creator's uploads carry before `createTask` gives the task one: the spec, the
 * initial model and an uploaded data set must be pinned first, since the task names their CIDs.
 */
export const PRE_TASK_ID = '0'
const PRE_TASK_KINDS: ReadonlySet<string> = new Set(['spec', 'model', 'manifest', 'shard'])

/**
 * Allows a request when its task exists and is Joining or Running and the signing wallet is a
 * member (the task's creator or a joined provider, as gossip counts them); otherwise says which of
 * these failed. Read fresh for every request, not cached as gossip's membership is, so a task
 * that just ended stops taking uploads at once (requests that arrive while a read is under way
 * share it). An RPC failure rejects (the pinner answers
 * `failed`), so a chain outage never reads as "allowed". Uploads for a task still being created
 * (`PRE_TASK_ID`) are allowed to any signed wallet for what a creator publishes before
 * `createTask`, within the per-wallet quota and the budget the pinner gives task 0 as a whole.
 *
 * An evidence report comes only from a wallet holding REFEREE_ROLE, for a task that exists in any
 * status: the referee is no member of the tasks it judges, and a result challenge is judged after
 * its task may have ended (the report then follows the task's retention like its other pins).
 */
export function chainPinAuthorizer (chain: ReadContext): (req: PinRequest) => Promise<PinAuthorization> {
  // reads shared while under way, never kept (above); the pinner bounds how many run at once
  const shared = { maxKeys: 0 }
  const members = cachedReads(async (taskId) => await readTaskMembers(chain, { taskId: BigInt(taskId) }), shared)
  const referees = cachedReads(async (account) => await readIsReferee(chain, { account: account as Address }), shared)
  const taskMembers = async (taskId: string): Promise<TaskMembersState> => (await members(taskId, 0)).value
  return async (req) => {
    if (req.kind === 'evidence') {
      if (!(await referees(req.from.toLowerCase(), 0)).value) return { allowed: false, reason: `wallet ${req.from} does not hold REFEREE_ROLE: only the referee publishes evidence reports` }
      const { status } = await taskMembers(req.taskId)
      return status === 'None' ? { allowed: false, reason: `task ${req.taskId} does not exist on chain ${req.chainId}` } : { allowed: true }
    }
    if (req.taskId === PRE_TASK_ID) {
      return PRE_TASK_KINDS.has(req.kind) ? { allowed: true } : { allowed: false, reason: `a ${req.kind} belongs to a task: task ${PRE_TASK_ID} takes only what a creator publishes before createTask` }
    }
    const task = await taskMembers(req.taskId)
    if (task.status === 'None') return { allowed: false, reason: `task ${req.taskId} does not exist on chain ${req.chainId}` }
    if (!LIVE_STATUSES.has(task.status)) return { allowed: false, reason: `task ${req.taskId} is ${task.status}; only a Joining or Running task takes uploads` }
    if (memberRole(task, req.from) !== undefined) return { allowed: true }
    return { allowed: false, reason: `wallet ${req.from} is neither the creator nor a joined provider of task ${req.taskId}` }
  }
}
