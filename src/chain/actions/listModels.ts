import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readModel, type ModelState } from './readModel.ts'
import { logsFrom, type ReadContext } from './types.ts'

/** A model as it is now, with the version it started from (its genesis, or the version it forked). */
export interface ModelSummary extends ModelState {
  origin: bigint
}

/** Every model of the registry (ids 1..modelCount), in id order. */
export async function listModels (ctx: ReadContext): Promise<ModelSummary[]> {
  return await asAction('listModels', async () => {
    const registry = { address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi } as const
    const [count, created] = await Promise.all([
      ctx.publicClient.readContract({ ...registry, functionName: 'modelCount' }),
      ctx.publicClient.getContractEvents({ ...registry, eventName: 'ModelCreated', fromBlock: logsFrom(ctx), strict: true })
    ])
    const origins = new Map(created.map((log) => [log.args.modelId, log.args.head]))
    const ids = Array.from({ length: Number(count) }, (_, i) => BigInt(i + 1))
    const models = await Promise.all(ids.map(async (modelId) => await readModel(ctx, { modelId })))
    return models.map((model) => ({ ...model, origin: origins.get(model.modelId) ?? 0n }))
  })
}
