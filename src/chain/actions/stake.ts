import type { TransactionReceipt } from 'viem'
import { authorizeSpend } from './authorizeSpend.ts'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Bonds `amount` MLB in the RewardDistributor. When the allowance is short, the approval travels
 * in the same transaction as a signed permit (`stakeWithPermit`), or, from a smart wallet, as an
 * `approve` transaction first (`approveReceipt`).
 */
export async function stake (
  ctx: WriteContext,
  params: { amount: bigint }
): Promise<{ approveReceipt: TransactionReceipt | null, receipt: TransactionReceipt }> {
  const { permit, approveReceipt } = await authorizeSpend(ctx, params)
  return await asAction('stake', async () => {
    const receipt = permit === null
      ? await transact(ctx, 'stake', { contract: 'RewardDistributor', functionName: 'stake', args: [params.amount] })
      : await transact(ctx, 'stake', { contract: 'RewardDistributor', functionName: 'stakeWithPermit', args: [params.amount, permit] })
    return { approveReceipt, receipt }
  })
}
