import { DataRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/**
 * The data set a task cites (`taskId`), or that the task of a version cites (`versionId`: a round's
 * version or a task's genesis version); 0n when none is cited.
 */
export async function readTaskDataSet (ctx: ReadContext, params: { taskId: bigint } | { versionId: bigint }): Promise<bigint> {
  return await asAction('readTaskDataSet', async () => await ('taskId' in params
    ? ctx.publicClient.readContract({ address: ctx.contracts.DataRegistry, abi: DataRegistryAbi, functionName: 'taskDataSet', args: [params.taskId] })
    : ctx.publicClient.readContract({ address: ctx.contracts.DataRegistry, abi: DataRegistryAbi, functionName: 'versionDataSet', args: [params.versionId] })))
}
