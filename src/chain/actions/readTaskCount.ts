import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** How many tasks exist; ids run from 1 to this number. */
export async function readTaskCount (ctx: ReadContext): Promise<bigint> {
  return await asAction('readTaskCount', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'taskCount'
  }))
}
