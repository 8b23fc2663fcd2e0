import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** `RewardDistributor.withdraw`: pays out the whole unbonding stake once its delay has passed. */
export async function withdrawStake (ctx: WriteContext): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('withdraw', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'withdraw'
    })
    const receipt = await send(ctx, 'withdraw', request)
    const { args } = eventIn('withdraw', receipt, RewardDistributorAbi, 'Withdrawn', ctx.contracts.RewardDistributor)
    return { amount: args.amount, receipt }
  })
}
