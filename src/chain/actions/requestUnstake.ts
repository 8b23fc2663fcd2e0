import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, send } from './internal.ts'
import type { WriteContext } from './types.ts'

/**
 * Starts unbonding `amount` of the caller's stake; `releaseAt` (unix seconds) is when `withdrawStake`
 * works. Unbonding stake stays slashable, and each request restarts the delay for all of it.
 */
export async function requestUnstake (
  ctx: WriteContext,
  params: { amount: bigint }
): Promise<{ releaseAt: bigint, receipt: TransactionReceipt }> {
  return await asAction('requestUnstake', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'requestUnstake', args: [params.amount]
    })
    const receipt = await send(ctx, 'requestUnstake', request)
    const { args } = eventIn('requestUnstake', receipt, RewardDistributorAbi, 'UnstakeRequested', ctx.contracts.RewardDistributor)
    return { releaseAt: BigInt(args.releaseAt), receipt }
  })
}
