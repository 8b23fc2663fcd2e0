import type { Address, BlockNumber, Hex } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { logsFrom, type ReadContext } from './types.ts'

export interface TaskCreation {
  taskId: bigint
  creator: Address
  modelId: bigint
  initialVersionId: bigint
  /** binary CIDs as hex, as the contract stores them */
  specCid: Hex
  datasetCid: Hex
  escrow: bigint
  /** what the creator called the task and described it with (bounded by the contract) */
  name: string
  description: string
  blockNumber: bigint
}

/**
 * What a task was created with that `getTask` does not return (the spec and data set CIDs, the name
 * and description), from its `TaskCreated` event. `fromBlock` bounds the scan on a long chain (default: the deployment block).
 */
export async function readTaskCreation (ctx: ReadContext, params: { taskId: bigint, fromBlock?: BlockNumber }): Promise<TaskCreation> {
  return await asAction('readTaskCreation', async () => {
    const [log] = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.TaskManager,
      abi: TaskManagerAbi,
      eventName: 'TaskCreated',
      args: { taskId: params.taskId },
      fromBlock: logsFrom(ctx, params.fromBlock),
      toBlock: 'latest',
      strict: true
    })
    if (log === undefined) throw new ChainActionError('readTaskCreation', `readTaskCreation: task ${params.taskId} does not exist.`)
    const { args } = log
    return {
      taskId: args.taskId,
      creator: args.creator,
      modelId: args.modelId,
      initialVersionId: args.initialVersionId,
      specCid: args.specCid,
      datasetCid: args.datasetCid,
      escrow: args.escrow,
      name: args.name,
      description: args.description,
      blockNumber: log.blockNumber
    }
  })
}
