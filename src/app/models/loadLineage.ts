/** Everything the model page draws: the model, its versions, the versions it grew from, its forks. */
import { listModels, listModelVersions, readModel, readVersion, type ModelState, type ModelSummary, type ReadContext, type VersionState } from '../../chain/actions/index.ts'
import type { LineageFork } from './lineage.ts'

export interface Lineage {
  model: ModelState
  /** this model's versions and the versions of other models they descend from directly */
  versions: VersionState[]
  forks: LineageFork[]
}

export async function loadLineage (ctx: ReadContext, modelId: bigint): Promise<Lineage> {
  const [model, ids, models] = await Promise.all([readModel(ctx, { modelId }), listModelVersions(ctx, { modelId }), listModels(ctx)])
  const own = await Promise.all(ids.map(async (versionId) => await readVersion(ctx, { versionId })))
  const known = new Set(ids)
  // A forked model starts at a version of another model: draw that version (and any other
  // outside parent) so the graph shows where this lineage came from.
  const outside = new Set<bigint>()
  if (!known.has(model.head)) outside.add(model.head)
  for (const v of own) for (const p of [v.parent, v.mergeParent]) if (p !== 0n && !known.has(p)) outside.add(p)
  const external = await Promise.all([...outside].map(async (versionId) => await readVersion(ctx, { versionId })))
  return { model, versions: [...own, ...external], forks: forksFrom(models, modelId, known) }
}

/** Models forked from one of `versions` of `modelId`: their first head is not their own genesis. */
function forksFrom (models: readonly ModelSummary[], modelId: bigint, versions: ReadonlySet<bigint>): LineageFork[] {
  return models
    .filter((m) => m.modelId !== modelId && versions.has(m.origin))
    .map((m) => ({ modelId: m.modelId, from: m.origin }))
}
