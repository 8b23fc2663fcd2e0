import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { logsFrom, type ReadContext } from './types.ts'

/** Ids of the versions registered in a model (genesis, task rounds, merges), ascending. */
export async function listModelVersions (ctx: ReadContext, params: { modelId: bigint }): Promise<bigint[]> {
  return await asAction('listModelVersions', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ModelRegistry,
      abi: ModelRegistryAbi,
      eventName: 'VersionRegistered',
      args: { modelId: params.modelId },
      fromBlock: logsFrom(ctx),
      strict: true
    })
    return logs.map((log) => log.args.versionId).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  })
}
