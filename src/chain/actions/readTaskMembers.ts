import { TaskManagerAbi } from '../generated/abis.ts'
import type { TaskMembers } from '../../core/messages/membership.ts'
import { asAction } from './errors.ts'
import { readProviders } from './readProviders.ts'
import { TASK_STATUSES, type TaskStatusName } from './readTask.ts'
import type { ReadContext } from './types.ts'

export interface TaskMembersState extends TaskMembers {
  /** 'None' for a task that does not exist (then it has no members) */
  status: TaskStatusName
}

/** A task's creator and joined providers, with its status: who may speak for it and whether it is live. */
export async function readTaskMembers (ctx: ReadContext, params: { taskId: bigint }): Promise<TaskMembersState> {
  return await asAction('readTaskMembers', async () => {
    // getTask, not readTask: a task that does not exist is an answer here, not an error
    const [task, providers] = await Promise.all([
      ctx.publicClient.readContract({ address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'getTask', args: [params.taskId] }),
      readProviders(ctx, params)
    ])
    return { status: TASK_STATUSES[task.status] ?? 'None', creator: task.creator, providers }
  })
}
