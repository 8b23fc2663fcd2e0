import type { TransactionReceipt } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import { send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** Bonds `amount` MLB in the RewardDistributor, approving it first when the allowance is short. */
export async function stake (
  ctx: WriteContext,
  params: { amount: bigint }
): Promise<{ approveReceipt: TransactionReceipt | null, receipt: TransactionReceipt }> {
  const { receipt: approveReceipt } = await ensureAllowance(ctx, { amount: params.amount })
  return await asAction('stake', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'stake', args: [params.amount]
    })
    return { approveReceipt, receipt: await send(ctx, 'stake', request) }
  })
}
