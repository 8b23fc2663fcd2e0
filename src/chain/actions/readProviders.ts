import type { Address } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** The task's providers, in joining order (`TaskManager.providersOf`). */
export async function readProviders (ctx: ReadContext, params: { taskId: bigint }): Promise<Address[]> {
  return await asAction('readProviders', async () => [...await ctx.publicClient.readContract({
    address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'providersOf', args: [params.taskId]
  })])
}
