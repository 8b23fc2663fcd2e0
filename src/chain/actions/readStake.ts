import type { Address } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export interface StakeState {
  staked: bigint
  /** part of `staked` locked for the tasks the account joined (cannot be unstaked) */
  locked: bigint
  unbonding: bigint
  /** Unix seconds when `withdrawStake` works (0n when nothing is unbonding). */
  releaseAt: bigint
}

/** Bonded, locked and unbonding stake of `account`. */
export async function readStake (ctx: ReadContext, params: { account: Address }): Promise<StakeState> {
  return await asAction('readStake', async () => {
    const [[staked, unbonding], locked, releaseAt] = await Promise.all([
      ctx.publicClient.readContract({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'stakes', args: [params.account] }),
      ctx.publicClient.readContract({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'lockedStake', args: [params.account] }),
      ctx.publicClient.readContract({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'unbondingReleaseAt', args: [params.account] })
    ])
    return { staked, locked, unbonding, releaseAt: BigInt(releaseAt) }
  })
}
