import type { TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Starts a new model, owned by the caller, whose head is the final version `versionId`. */
export async function forkVersion (ctx: WriteContext, params: { versionId: bigint }): Promise<{ modelId: bigint, receipt: TransactionReceipt }> {
  return await asAction('forkVersion', async () => {
    const receipt = await transact(ctx, 'forkVersion', { contract: 'ModelRegistry', functionName: 'fork', args: [params.versionId] })
    const { args } = eventIn('forkVersion', receipt, ModelRegistryAbi, 'ModelCreated', ctx.contracts.ModelRegistry)
    return { modelId: args.modelId, receipt }
  })
}
