import type { TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Executes a slash whose appeal delay passed: what it held is burnt and its reporter paid.
 * Anyone may; `AppealPending` before the delay ends, `NoPendingSlash` once executed or overturned.
 */
export async function executeSlash (ctx: WriteContext, params: { id: bigint }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('executeSlash', async () => ({
    receipt: await transact(ctx, 'executeSlash', { contract: 'RewardDistributor', functionName: 'executeSlash', args: [params.id] })
  }))
}
