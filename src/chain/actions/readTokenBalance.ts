import type { Address } from 'viem'
import { MLBTokenAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** `account`'s MLB balance, in wei. */
export async function readTokenBalance (ctx: ReadContext, params: { account: Address }): Promise<bigint> {
  return await asAction('readTokenBalance', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'balanceOf', args: [params.account]
  }))
}

/** What one `faucet` call mints (local chain only). */
export async function readFaucetAmount (ctx: ReadContext): Promise<bigint> {
  return await asAction('readFaucetAmount', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'FAUCET_AMOUNT'
  }))
}
