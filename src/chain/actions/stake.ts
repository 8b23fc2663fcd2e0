import type { TransactionReceipt } from 'viem'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Bonds `amount` MLB in the RewardDistributor, approving it first when the allowance is short. */
export async function stake (
  ctx: WriteContext,
  params: { amount: bigint }
): Promise<{ approveReceipt: TransactionReceipt | null, receipt: TransactionReceipt }> {
  const { receipt: approveReceipt } = await ensureAllowance(ctx, { amount: params.amount })
  return await asAction('stake', async () => {
    return { approveReceipt, receipt: await transact(ctx, 'stake', { contract: 'RewardDistributor', functionName: 'stake', args: [params.amount] }) }
  })
}
