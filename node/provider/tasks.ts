/** Which task to work on next: the same choice as the Contribute switch (`pickTask`). */
import { readTask, type ReadContext } from '../../src/chain/actions/index.ts'
import { TaskManagerAbi } from '../../src/chain/generated/abis.ts'
import { pickTask } from '../../src/app/contribute/pickTask.ts'
import type { ProviderChain } from '../../src/provider/types.ts'

export async function nextTask (ctx: ReadContext, chain: Pick<ProviderChain, 'isProvider' | 'now'>): Promise<bigint | undefined> {
  const count = await ctx.publicClient.readContract({ address: ctx.contracts.TaskManager, abi: TaskManagerAbi, functionName: 'taskCount' })
  const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1))
  const candidates = await Promise.all(ids.map(async (taskId) => ({ task: await readTask(ctx, { taskId }), joined: await chain.isProvider(taskId) })))
  return pickTask(candidates, await chain.now())
}
