import type { Hex, TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { send } from './internal.ts'
import type { WriteContext } from './types.ts'

/**
 * Challenges a proposed version within its challenge window (the task's providers and creator
 * only); it then waits for governance's `resolveChallenge`. `reason` is the content hash of the
 * published reason, such as the keccak256 of the version the challenger computed instead.
 */
export async function challengeVersion (ctx: WriteContext, params: { versionId: bigint, reason: Hex }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('challengeVersion', async () => {
    const { request } = await ctx.publicClient.simulateContract({
      account: ctx.walletClient.account, address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'challenge', args: [params.versionId, params.reason]
    })
    return { receipt: await send(ctx, 'challengeVersion', request) }
  })
}
