/** Everything the model page draws: the model, its versions, the versions it grew from, its forks. */
import { ModelRegistryAbi } from '../../chain/generated/abis.ts'
import { listModels, listModelVersions, readModel, readVersion, readVersions, type ModelState, type ReadContext, type VersionState } from '../../chain/actions/index.ts'
import { allPages, chainModelOf, chainVersionOf, type MLBridgeClient } from '../../sdk/index.ts'
import { indexed, unindexed, type ReadSource, type Unread } from '../readSource.ts'
import type { LineageFork } from './lineage.ts'

export interface Lineage {
  model: ModelState
  /** this model's versions and the versions of other models they descend from directly */
  versions: VersionState[]
  forks: LineageFork[]
}

/** What each source reads; `versionOf` is undefined for a version the API has yet to index. */
interface LineageReads {
  model: ModelState
  /** the versions registered in the model, by ID */
  own: VersionState[]
  versionOf: (versionId: bigint) => Promise<VersionState | undefined>
  forks: LineageFork[]
}

/**
 * The model's lineage from the API where the network has one, else the chain; `missing` when no
 * model has this ID, `indexing` while the API has yet to index the model or one of its versions.
 */
export async function loadLineage (ctx: ReadContext, source: ReadSource, modelId: bigint): Promise<Lineage | Unread> {
  const reads = 'api' in source ? await apiLineage(ctx, source.api, modelId) : await chainLineage(ctx, modelId)
  if (typeof reads === 'string') return reads
  const { model, own } = reads
  const known = new Set(own.map((v) => v.versionId))
  // A forked model starts at a version of another model: draw that version (and any other
  // outside parent) so the graph shows where this lineage came from.
  const outside = new Set<bigint>()
  if (!known.has(model.head)) outside.add(model.head)
  for (const v of own) for (const p of [v.parent, v.mergeParent]) if (p !== 0n && !known.has(p)) outside.add(p)
  const external = await Promise.all([...outside].map(reads.versionOf))
  if (external.some((v) => v === undefined)) return 'indexing'
  return { model, versions: [...own, ...external.filter((v) => v !== undefined)], forks: reads.forks }
}

/** Whether the registry has a model of this ID (IDs count up from 1). */
async function modelExists (ctx: ReadContext, modelId: bigint): Promise<boolean> {
  return modelId !== 0n && modelId <= await ctx.publicClient.readContract({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'modelCount' })
}

async function chainLineage (ctx: ReadContext, modelId: bigint): Promise<LineageReads | Unread> {
  if (!await modelExists(ctx, modelId)) return 'missing'
  const [model, ids, models] = await Promise.all([readModel(ctx, { modelId }), listModelVersions(ctx, { modelId }), listModels(ctx)])
  const own = await readVersions(ctx, { versionIds: ids })
  const known = new Set(ids)
  return {
    model,
    own,
    versionOf: async (versionId) => await readVersion(ctx, { versionId }),
    // a fork's first head (its origin) is a version of the model it forked; a task's model starts at its own genesis
    forks: models.filter((m) => m.modelId !== modelId && known.has(m.origin)).map((m) => ({ modelId: m.modelId, from: m.origin }))
  }
}

async function apiLineage (ctx: ReadContext, api: MLBridgeClient, modelId: bigint): Promise<LineageReads | Unread> {
  const row = await indexed(api.model(modelId))
  if (row === undefined) return await unindexed(modelExists(ctx, modelId))
  const [versions, forks] = await Promise.all([
    allPages(async (page) => await api.versions({ model: modelId, ...page })),
    allPages(async (page) => await api.models({ forkOf: modelId, sort: 'oldest', ...page }))
  ])
  const own = versions.map(chainVersionOf)
  if (own.some((v) => v === undefined)) return 'indexing'
  return {
    model: chainModelOf(row),
    own: own.filter((v) => v !== undefined),
    versionOf: async (versionId) => {
      const version = await indexed(api.version(versionId))
      return version === undefined ? undefined : chainVersionOf(version)
    },
    // the API lists a fork's starting version as the version it was forked from
    forks: forks.map((m) => ({ modelId: BigInt(m.id), from: BigInt(m.forkedFrom ?? 0) }))
  }
}
