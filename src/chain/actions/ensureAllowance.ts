import type { Address, TransactionReceipt } from 'viem'
import { MLBTokenAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Approves `spender` (the RewardDistributor unless given) for `amount` MLB when the current
 * allowance is lower; sends nothing otherwise. `createTask` and `stake` call it; a UI that shows
 * "approve" and "create" as two steps calls it first.
 */
export async function ensureAllowance (
  ctx: WriteContext,
  params: { amount: bigint, spender?: Address }
): Promise<{ receipt: TransactionReceipt | null }> {
  return await asAction('approve', async () => {
    const spender = params.spender ?? ctx.contracts.RewardDistributor
    const owner = ctx.walletClient.account.address
    const allowance = await ctx.publicClient.readContract({
      address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'allowance', args: [owner, spender]
    })
    if (allowance >= params.amount) return { receipt: null }
    return { receipt: await transact(ctx, 'approve', { contract: 'MLBToken', functionName: 'approve', args: [spender, params.amount] }) }
  })
}
