import type { Address } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** Whether `account`'s confirmation of a proposed version is on chain. */
export async function readHasConfirmed (ctx: ReadContext, params: { versionId: bigint, account: Address }): Promise<boolean> {
  return await asAction('readHasConfirmed', async () => await ctx.publicClient.readContract({
    address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'confirmedBy', args: [params.versionId, params.account]
  }))
}
