/**
 * What the version page shows of a version: its record and its signatures. The model's bytes are
 * not trusted to this: useVersionModel checks them against the commit hash it reads from the chain.
 */
import { ModelRegistryAbi } from '../../chain/generated/abis.ts'
import {
  readVersion, readVersionSignatures, versionSignaturesOf, type ReadContext, type SignatureEvent, type VersionSignatures, type VersionState
} from '../../chain/actions/index.ts'
import { allPages, chainEventOf, chainVersionOf, type MLBridgeClient } from '../../sdk/index.ts'
import { indexed, unindexed, type ReadSource, type Unread } from '../readSource.ts'

export interface VersionView {
  version: VersionState
  signatures: VersionSignatures
}

/**
 * The version from the API where the network has one, else the chain; `missing` when no version
 * has this ID, `indexing` while the API has yet to index it.
 */
export async function loadVersionView (ctx: ReadContext, source: ReadSource, versionId: bigint): Promise<VersionView | Unread> {
  if (!('api' in source)) {
    if (!await versionExists(ctx, versionId)) return 'missing'
    const [version, signatures] = await Promise.all([readVersion(ctx, { versionId }), readVersionSignatures(ctx, { versionId })])
    return { version, signatures }
  }
  const row = await indexed(source.api.version(versionId))
  const version = row === undefined ? undefined : chainVersionOf(row)
  if (version === undefined) return await unindexed(versionExists(ctx, versionId))
  return { version, signatures: await apiSignatures(source.api, version) }
}

/** Whether the registry has a version of this ID (IDs count up from 1). */
async function versionExists (ctx: ReadContext, versionId: bigint): Promise<boolean> {
  return versionId !== 0n && versionId <= await ctx.publicClient.readContract({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'versionCount' })
}

const SIGNATURE_EVENTS = ['VersionProposed', 'VersionConfirmed', 'VersionFinalized'] as const

/** Its signature events from the feed; only a task's round is proposed and signed (genesis and merges register final). */
async function apiSignatures (api: MLBridgeClient, version: VersionState): Promise<VersionSignatures> {
  if (version.taskId === 0n) return versionSignaturesOf([])
  const events = await allPages(async (page) => await api.events({ task: version.taskId, name: [...SIGNATURE_EVENTS], ...page }))
  return versionSignaturesOf(events.map(chainEventOf).filter((e): e is typeof e & SignatureEvent =>
    (SIGNATURE_EVENTS as readonly string[]).includes(e.eventName) && (e.args as { versionId?: bigint }).versionId === version.versionId))
}
