import type { ContractFunctionReturnType } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export const TASK_STATUSES = ['None', 'Joining', 'Running', 'Completed', 'Cancelled'] as const
export type TaskStatusName = typeof TASK_STATUSES[number]

type RawTask = ContractFunctionReturnType<typeof TaskManagerAbi, 'view', 'getTask'>

/** `TaskManager.getTask` with the id and the status by name. */
export type TaskState = Omit<RawTask, 'status'> & { taskId: bigint, status: Exclude<TaskStatusName, 'None'> }

/** Reads a task; fails with a ChainActionError when it does not exist. */
export async function readTask (ctx: ReadContext, params: { taskId: bigint }): Promise<TaskState> {
  return await asAction('readTask', async () => {
    const raw = await ctx.publicClient.readContract({
      address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'getTask', args: [params.taskId]
    })
    const status = TASK_STATUSES[raw.status]
    if (status === undefined || status === 'None') {
      throw new ChainActionError('readTask', `readTask: task ${params.taskId} does not exist.`)
    }
    return { ...raw, taskId: params.taskId, status }
  })
}
