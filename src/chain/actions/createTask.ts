import { zeroHash, type ContractFunctionArgs, type TransactionReceipt } from 'viem'
import type { VersionData } from '../../core/version/signature.ts'
import { TaskManagerAbi } from '../generated/abis.ts'
import { authorizeSpend } from './authorizeSpend.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import { taskBudget } from './taskBudget.ts'
import type { WriteContext } from './types.ts'

/** `TaskManager.TaskParams`, as viem types it (uint96 amounts are bigint, the rest numbers, CIDs hex bytes). */
export type TaskParams = ContractFunctionArgs<typeof TaskManagerAbi, 'nonpayable', 'createTask'>[0]

/** `TaskParams.parentData` of a task that trains a fresh model (the registry ignores it then). */
export const NO_PARENT_DATA: VersionData = { modelCid: '0x', commitHash: zeroHash, deltaRoot: zeroHash, dataHash: zeroHash, accuracyBps: 0, loss: 0n }

export interface CreatedTask {
  taskId: bigint
  modelId: bigint
  initialVersionId: bigint
  escrow: bigint
  /** An approval sent apart (a smart wallet whose allowance was short); null when none was needed or a signed permit travelled with the creation. */
  approveReceipt: TransactionReceipt | null
  receipt: TransactionReceipt
}

/**
 * Creates a task and reads the ids from its `TaskCreated` event. When the allowance is short of the
 * budget, the approval travels in the same transaction as a signed permit (`createTaskWithPermit`),
 * or, from a smart wallet, as an `approve` transaction first.
 */
export async function createTask (ctx: WriteContext, params: TaskParams): Promise<CreatedTask> {
  const { permit, approveReceipt } = await authorizeSpend(ctx, { amount: taskBudget(params) })
  return await asAction('createTask', async () => {
    const receipt = permit === null
      ? await transact(ctx, 'createTask', { contract: 'TaskManager', functionName: 'createTask', args: [params] })
      : await transact(ctx, 'createTask', { contract: 'TaskManager', functionName: 'createTaskWithPermit', args: [params, permit] })
    const { args } = eventIn('createTask', receipt, TaskManagerAbi, 'TaskCreated', ctx.contracts.TaskManager)
    return { taskId: args.taskId, modelId: args.modelId, initialVersionId: args.initialVersionId, escrow: args.escrow, approveReceipt, receipt }
  })
}
