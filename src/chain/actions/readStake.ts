import type { Address } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export interface StakeState {
  staked: bigint
  unbonding: bigint
  /** Unix seconds when `withdrawStake` works (0n when nothing is unbonding). */
  releaseAt: bigint
}

/** Bonded and unbonding stake of `account`. */
export async function readStake (ctx: ReadContext, params: { account: Address }): Promise<StakeState> {
  return await asAction('readStake', async () => {
    const [[staked, unbonding], releaseAt] = await Promise.all([
      ctx.publicClient.readContract({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'stakes', args: [params.account] }),
      ctx.publicClient.readContract({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'unbondingReleaseAt', args: [params.account] })
    ])
    return { staked, unbonding, releaseAt: BigInt(releaseAt) }
  })
}
