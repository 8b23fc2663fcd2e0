import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Pulls the account's claimable rewards and refunds (`NothingToClaim` when there are none). */
export async function claim (ctx: WriteContext): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('claim', async () => {
    const receipt = await transact(ctx, 'claim', { contract: 'RewardDistributor', functionName: 'claim' })
    const { args } = eventIn('claim', receipt, RewardDistributorAbi, 'Claimed', ctx.contracts.RewardDistributor)
    return { amount: args.amount, receipt }
  })
}
