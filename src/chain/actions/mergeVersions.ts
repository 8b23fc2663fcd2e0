import type { TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { VersionData } from './proposeVersion.ts'
import type { WriteContext } from './types.ts'

/**
 * The model owner registers a final version whose parents are the head and the final version
 * `otherVersionId`, with the merged weights' `data` (published beforehand), and moves the head to it.
 */
export async function mergeVersions (
  ctx: WriteContext,
  params: { modelId: bigint, otherVersionId: bigint, data: VersionData }
): Promise<{ versionId: bigint, receipt: TransactionReceipt }> {
  return await asAction('mergeVersions', async () => {
    const receipt = await transact(ctx, 'mergeVersions', { contract: 'ModelRegistry', functionName: 'merge', args: [params.modelId, params.otherVersionId, params.data] })
    const { args } = eventIn('mergeVersions', receipt, ModelRegistryAbi, 'VersionRegistered', ctx.contracts.ModelRegistry)
    return { versionId: args.versionId, receipt }
  })
}
