import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** Pulls the account's claimable rewards and refunds (`NothingToClaim` when there are none). */
export async function claim (ctx: WriteContext): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('claim', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'claim'
    })
    const receipt = await send(ctx, 'claim', request)
    const { args } = eventIn('claim', receipt, RewardDistributorAbi, 'Claimed', ctx.contracts.RewardDistributor)
    return { amount: args.amount, receipt }
  })
}
