import type { ContractFunctionReturnType } from 'viem'
import type { VersionContent } from '../../core/version/signature.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export const VERSION_STATUSES = ['None', 'Proposed', 'Final', 'Challenged', 'Rejected'] as const
export type VersionStatusName = typeof VERSION_STATUSES[number]

type RawVersion = ContractFunctionReturnType<typeof ModelRegistryAbi, 'view', 'getVersion'>

/** `ModelRegistry.getVersion` with the id and the status by name. */
export type VersionState = Omit<RawVersion, 'status'> & { versionId: bigint, status: VersionStatusName }

/** Reads a model version; fails with a ChainActionError when it does not exist. */
export async function readVersion (ctx: ReadContext, params: { versionId: bigint }): Promise<VersionState> {
  return await asAction('readVersion', async () => {
    const raw = await ctx.publicClient.readContract({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getVersion', args: [params.versionId]
    })
    const status = VERSION_STATUSES[raw.status]
    if (status === undefined || status === 'None') {
      throw new ChainActionError('readVersion', `readVersion: version ${params.versionId} does not exist.`)
    }
    return { ...raw, versionId: params.versionId, status }
  })
}

/** What a winner signs for a stored version: its content with its task, round and parent. */
export function storedContent (version: VersionState): VersionContent {
  const { taskId, round, parent, modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } = version
  return { taskId, round, parent, data: { modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } }
}
