import type { TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Overturns a slash on appeal, before its delay passes: the provider is credited back what it
 * took. Only the distributor's APPEAL_ROLE (`AppealClosed` once the delay passed).
 */
export async function overturnSlash (ctx: WriteContext, params: { id: bigint }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('overturnSlash', async () => ({
    receipt: await transact(ctx, 'overturnSlash', { contract: 'RewardDistributor', functionName: 'overturnSlash', args: [params.id] })
  }))
}
