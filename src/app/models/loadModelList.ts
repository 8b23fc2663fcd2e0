import { listModels, listModelVersions, type ModelSummary, type ReadContext } from '../../chain/actions/index.ts'

export interface ModelRow extends ModelSummary {
  /** versions registered in this model (a fresh fork has none of its own) */
  versionCount: number
}

export async function loadModelList (ctx: ReadContext): Promise<ModelRow[]> {
  const models = await listModels(ctx)
  return await Promise.all(models.map(async (model) => ({ ...model, versionCount: (await listModelVersions(ctx, { modelId: model.modelId })).length })))
}
