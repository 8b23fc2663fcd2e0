import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** `RewardDistributor.withdraw`: pays out the whole unbonding stake once its delay has passed. */
export async function withdrawStake (ctx: WriteContext): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('withdraw', async () => {
    const receipt = await transact(ctx, 'withdraw', { contract: 'RewardDistributor', functionName: 'withdraw' })
    const { args } = eventIn('withdraw', receipt, RewardDistributorAbi, 'Withdrawn', ctx.contracts.RewardDistributor)
    return { amount: args.amount, receipt }
  })
}
