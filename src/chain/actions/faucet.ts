import type { TransactionReceipt } from 'viem'
import { MLBTokenAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** Mints the faucet amount (1000 MLB) to the wallet's account; local chain only (`FaucetDisabled` elsewhere). */
export async function faucet (ctx: WriteContext): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('faucet', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.MLBToken, abi: MLBTokenAbi, functionName: 'faucet'
    })
    const receipt = await send(ctx, 'faucet', request)
    const drip = eventIn('faucet', receipt, MLBTokenAbi, 'FaucetDrip', ctx.contracts.MLBToken)
    return { amount: drip.args.amount, receipt }
  })
}
