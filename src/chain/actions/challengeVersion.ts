import type { Hex, TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Challenges a proposed version within its challenge window (the task's providers and creator
 * only), bonding the task's minimum stake: approved first when the allowance is short. The referee
 * then judges it; a dismissed challenger loses the bond, an upheld or lapsed one gets it back.
 * `reason` is the content hash of the published reason, such as the keccak256 of the version the
 * challenger computed instead.
 */
export async function challengeVersion (ctx: WriteContext, params: { versionId: bigint, reason: Hex }): Promise<{ bond: bigint, receipt: TransactionReceipt }> {
  return await asAction('challengeVersion', async () => {
    const bond = await ctx.publicClient.readContract({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'challengeBond', args: [params.versionId]
    })
    await ensureAllowance(ctx, { amount: bond })
    return { bond, receipt: await transact(ctx, 'challengeVersion', { contract: 'ModelRegistry', functionName: 'challenge', args: [params.versionId, params.reason] }) }
  })
}
