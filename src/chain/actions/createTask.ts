import { zeroHash, type ContractFunctionArgs, type TransactionReceipt } from 'viem'
import type { VersionData } from '../../core/version/signature.ts'
import { TaskManagerAbi } from '../generated/abis.ts'
import { ensureAllowance } from './ensureAllowance.ts'
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
  /** The approval, when the allowance was too low (null when none was needed). */
  approveReceipt: TransactionReceipt | null
  receipt: TransactionReceipt
}

/**
 * Creates a task: approves the RewardDistributor for the budget if needed (first transaction),
 * then calls `createTask` (second) and reads the ids from its `TaskCreated` event.
 */
export async function createTask (ctx: WriteContext, params: TaskParams): Promise<CreatedTask> {
  const { receipt: approveReceipt } = await ensureAllowance(ctx, { amount: taskBudget(params) })
  return await asAction('createTask', async () => {
    const receipt = await transact(ctx, 'createTask', { contract: 'TaskManager', functionName: 'createTask', args: [params] })
    const { args } = eventIn('createTask', receipt, TaskManagerAbi, 'TaskCreated', ctx.contracts.TaskManager)
    return { taskId: args.taskId, modelId: args.modelId, initialVersionId: args.initialVersionId, escrow: args.escrow, approveReceipt, receipt }
  })
}
