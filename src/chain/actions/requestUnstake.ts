import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
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
    const receipt = await transact(ctx, 'requestUnstake', { contract: 'RewardDistributor', functionName: 'requestUnstake', args: [params.amount] })
    const { args } = eventIn('requestUnstake', receipt, RewardDistributorAbi, 'UnstakeRequested', ctx.contracts.RewardDistributor)
    return { releaseAt: BigInt(args.releaseAt), receipt }
  })
}
