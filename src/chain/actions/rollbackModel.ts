import type { TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Moves a model's head back to an ancestor. `path` runs from a parent of the head down to the new
 * head, each entry a parent of the one before (the registry checks it). Model owner or governance.
 */
export async function rollbackModel (
  ctx: WriteContext,
  params: { modelId: bigint, path: readonly bigint[] }
): Promise<{ from: bigint, to: bigint, receipt: TransactionReceipt }> {
  return await asAction('rollbackModel', async () => {
    const receipt = await transact(ctx, 'rollbackModel', { contract: 'ModelRegistry', functionName: 'rollback', args: [params.modelId, [...params.path]] })
    const { args } = eventIn('rollbackModel', receipt, ModelRegistryAbi, 'HeadMoved', ctx.contracts.ModelRegistry)
    return { from: args.from, to: args.to, receipt }
  })
}
