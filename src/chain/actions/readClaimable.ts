import type { Address } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** Rewards and refunds `account` can pull with `claim`. */
export async function readClaimable (ctx: ReadContext, params: { account: Address }): Promise<bigint> {
  return await asAction('readClaimable', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'claimableOf', args: [params.account]
  }))
}
