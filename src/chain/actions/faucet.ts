import type { TransactionReceipt } from 'viem'
import { MLBTokenAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Mints the faucet amount (1000 MLB) to the wallet's account; local chain only (`FaucetDisabled` elsewhere). */
export async function faucet (ctx: WriteContext): Promise<{ amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('faucet', async () => {
    const receipt = await transact(ctx, 'faucet', { contract: 'MLBToken', functionName: 'faucet' })
    const drip = eventIn('faucet', receipt, MLBTokenAbi, 'FaucetDrip', ctx.contracts.MLBToken)
    return { amount: drip.args.amount, receipt }
  })
}
