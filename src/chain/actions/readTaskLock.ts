import type { Address } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** What `account` still has locked for `taskId` (0 once released, or once a slash took it all). */
export async function readTaskLock (ctx: ReadContext, params: { taskId: bigint, account: Address }): Promise<bigint> {
  return await asAction('readTaskLock', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'taskLock', args: [params.taskId, params.account]
  }))
}
