import type { Address, TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Slashes a provider that signed a version an upheld challenge rejected
 * (`ModelRegistry.slashCosigner`): the task's minimum stake, with the version's challenger as
 * reporter, and it is ejected from the task's later draws. Anyone may send it, once per signer.
 */
export async function slashCosigner (ctx: WriteContext, params: { versionId: bigint, signer: Address }): Promise<{ slashed: bigint, receipt: TransactionReceipt }> {
  return await asAction('slashCosigner', async () => {
    const receipt = await transact(ctx, 'slashCosigner', { contract: 'ModelRegistry', functionName: 'slashCosigner', args: [params.versionId, params.signer] })
    const { args } = eventIn('slashCosigner', receipt, ModelRegistryAbi, 'CosignerSlashed', ctx.contracts.ModelRegistry)
    return { slashed: args.amount, receipt }
  })
}
