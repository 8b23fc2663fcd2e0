import type { Address } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { MULTICALL } from './multicall.ts'
import type { ReadContext } from './types.ts'

/** Rewards and refunds `account` can pull with `claim`. */
export async function readClaimable (ctx: ReadContext, params: { account: Address }): Promise<bigint> {
  return await asAction('readClaimable', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'claimableOf', args: [params.account]
  }))
}

/** `readClaimable` of many accounts in one call (a deployless multicall). */
export async function readClaimables (ctx: ReadContext, params: { accounts: readonly Address[] }): Promise<Map<Address, bigint>> {
  if (params.accounts.length === 0) return new Map()
  return await asAction('readClaimable', async () => {
    const balances = await ctx.publicClient.multicall({
      ...MULTICALL,
      contracts: params.accounts.map((account) => ({ address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'claimableOf', args: [account] } as const))
    })
    return new Map(params.accounts.map((account, i) => [account, balances[i]!]))
  })
}
