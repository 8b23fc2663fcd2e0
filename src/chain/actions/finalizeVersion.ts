import type { TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { send } from './internal.ts'
import type { WriteContext } from './types.ts'

/** Makes a proposed version final once its challenge window passed unchallenged (anyone may call it). */
export async function finalizeVersion (ctx: WriteContext, params: { versionId: bigint }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('finalizeVersion', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'finalizeVersion', args: [params.versionId]
    })
    return { receipt: await send(ctx, 'finalizeVersion', request) }
  })
}
