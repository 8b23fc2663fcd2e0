import type { ContractFunctionReturnType, Hex } from 'viem'
import { versionContentHash } from '../../core/version/contentHash.ts'
import type { VersionContent, VersionData } from '../../core/version/signature.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ChainActionError, VersionContentMismatchError, asAction } from './errors.ts'
import { MULTICALL } from './multicall.ts'
import { logsFrom, type ReadContext } from './types.ts'

export const VERSION_STATUSES = ['None', 'Proposed', 'Final', 'Challenged', 'Rejected'] as const
export type VersionStatusName = typeof VERSION_STATUSES[number]

type RawVersion = ContractFunctionReturnType<typeof ModelRegistryAbi, 'view', 'getVersion'>

/**
 * A version: `ModelRegistry.getVersion` (its state and content hash) with the id, the status by
 * name, and its content from its `VersionRegistered` event, checked against the stored hash.
 */
export type VersionState = Omit<RawVersion, 'status'> & VersionData & { versionId: bigint, status: VersionStatusName }

/**
 * Reads a model version; fails with a ChainActionError when it does not exist or its event is
 * missing, and with a VersionContentMismatchError when the event's content is not what the
 * registry stored (an RPC or a log that lies).
 */
export async function readVersion (ctx: ReadContext, params: { versionId: bigint }): Promise<VersionState> {
  return await asAction('readVersion', async () => {
    const [raw, contents] = await Promise.all([
      ctx.publicClient.readContract({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getVersion', args: [params.versionId] }),
      readRegisteredContents(ctx, [params.versionId])
    ])
    return versionStateOf(params.versionId, raw, contents.get(params.versionId) ?? [])
  })
}

/**
 * `readVersion` of many versions, in the order asked: their states in one call (a deployless
 * multicall), their contents in one log query.
 */
export async function readVersions (ctx: ReadContext, params: { versionIds: readonly bigint[] }): Promise<VersionState[]> {
  if (params.versionIds.length === 0) return []
  return await asAction('readVersion', async () => {
    const [raws, contents] = await Promise.all([
      ctx.publicClient.multicall({
        ...MULTICALL,
        contracts: params.versionIds.map((versionId) => ({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getVersion', args: [versionId] } as const))
      }),
      readRegisteredContents(ctx, params.versionIds)
    ])
    return params.versionIds.map((versionId, i) => versionStateOf(versionId, raws[i]!, contents.get(versionId) ?? []))
  })
}

/** Every content the `VersionRegistered` logs claim for these versions (one query for all). */
async function readRegisteredContents (ctx: ReadContext, versionIds: readonly bigint[]): Promise<Map<bigint, VersionData[]>> {
  const logs = await ctx.publicClient.getContractEvents({
    address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, eventName: 'VersionRegistered', fromBlock: logsFrom(ctx), strict: true, args: { versionId: [...new Set(versionIds)] }
  })
  const contents = new Map<bigint, VersionData[]>()
  for (const { args } of logs) {
    const { modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } = args
    contents.set(args.versionId, [...contents.get(args.versionId) ?? [], { modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss }])
  }
  return contents
}

function versionStateOf (versionId: bigint, raw: RawVersion, claimed: readonly VersionData[]): VersionState {
  const status = VERSION_STATUSES[raw.status]
  if (status === undefined || status === 'None') {
    throw new ChainActionError('readVersion', `readVersion: version ${versionId} does not exist.`)
  }
  // Only the stored hash is the registry's word: a log is kept only when it hashes to it.
  const data = claimed.find((d) => sameHash(versionContentHash(d), raw.contentHash))
  if (data === undefined) {
    if (claimed.length === 0) throw new ChainActionError('readVersion', `readVersion: version ${versionId} has no VersionRegistered event on this RPC.`)
    throw new VersionContentMismatchError('readVersion', versionId, status, raw.contentHash, versionContentHash(claimed[0]!))
  }
  return { ...raw, ...data, versionId, status }
}

function sameHash (a: Hex, b: Hex): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/** A stored version's content, as the registry's calls that take it back want it. */
export function storedData (version: VersionState): VersionData {
  const { modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss } = version
  return { modelCid, commitHash, deltaRoot, dataHash, accuracyBps, loss }
}

/** What a winner signs for a stored version: its content with its task, round and parent. */
export function storedContent (version: VersionState): VersionContent {
  const { taskId, round, parent } = version
  return { taskId, round, parent, data: storedData(version) }
}
