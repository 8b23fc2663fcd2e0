import type { RegistryDomain } from '../../core/version/signature.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** The ModelRegistry's EIP-712 domain as it reports it (ERC-5267 `eip712Domain()`). */
export async function readRegistryDomain (ctx: ReadContext): Promise<RegistryDomain> {
  return await asAction('readRegistryDomain', async () => {
    const [, name, version, chainId, verifyingContract] = await ctx.publicClient.readContract({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'eip712Domain'
    })
    return { name, version, chainId: Number(chainId), verifyingContract }
  })
}
