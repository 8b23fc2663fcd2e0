import type { ContractFunctionReturnType } from 'viem'
import type { VersionContent } from '../../core/version/signature.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import { MULTICALL } from './multicall.ts'
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
    return versionStateOf(params.versionId, raw)
  })
}

/** `readVersion` of many versions in one call (a deployless multicall), in the order asked. */
export async function readVersions (ctx: ReadContext, params: { versionIds: readonly bigint[] }): Promise<VersionState[]> {
  if (params.versionIds.length === 0) return []
  return await asAction('readVersion', async () => {
    const raws = await ctx.publicClient.multicall({
      ...MULTICALL,
      contracts: params.versionIds.map((versionId) => ({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getVersion', args: [versionId] } as const))
    })
    return params.versionIds.map((versionId, i) => versionStateOf(versionId, raws[i]!))
  })
}

function versionStateOf (versionId: bigint, raw: RawVersion): VersionState {
  const status = VERSION_STATUSES[raw.status]
  if (status === undefined || status === 'None') {
    throw new ChainActionError('readVersion', `readVersion: version ${versionId} does not exist.`)
  }
  return { ...raw, versionId, status }
}

/** What a winner signs for a stored version: its content with its task, round and parent. */
export function storedContent (version: VersionState): VersionContent {
  const { taskId, round, parent, modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } = version
  return { taskId, round, parent, data: { modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } }
}
