import type { Address } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export interface Reputation {
  reputation: number
  /** Results accepted, outvoted and missed (assigned but never revealed). */
  accepted: number
  outvoted: number
  missed: number
}

/** A provider's reputation and record from `RewardDistributor.accounts`. */
export async function readReputation (ctx: ReadContext, params: { account: Address }): Promise<Reputation> {
  return await asAction('readReputation', async () => {
    const [, reputation, accepted, outvoted, missed] = await ctx.publicClient.readContract({
      address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'accounts', args: [params.account]
    })
    return { reputation, accepted, outvoted, missed }
  })
}
