import type { Address } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** Whether `account` holds the registry's GOVERNANCE_ROLE (may roll back any model, resolve challenges). */
export async function readIsGovernor (ctx: ReadContext, params: { account: Address }): Promise<boolean> {
  return await asAction('readIsGovernor', async () => {
    const registry = { address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi } as const
    const role = await ctx.publicClient.readContract({ ...registry, functionName: 'GOVERNANCE_ROLE' })
    return await ctx.publicClient.readContract({ ...registry, functionName: 'hasRole', args: [role, params.account] })
  })
}
