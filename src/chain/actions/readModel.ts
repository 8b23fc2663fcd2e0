import type { Address } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** `ModelRegistry.getModel` with its id: `head` is the current head version, `taskId` 0 for a model no task trains. */
export interface ModelState {
  modelId: bigint
  owner: Address
  head: bigint
  taskId: bigint
}

/** Reads a model (as of `blockNumber`, default latest); fails with a ChainActionError when it does not exist. */
export async function readModel (ctx: ReadContext, params: { modelId: bigint, blockNumber?: bigint }): Promise<ModelState> {
  return await asAction('readModel', async () => {
    const raw = await ctx.publicClient.readContract({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getModel', args: [params.modelId],
      ...(params.blockNumber === undefined ? {} : { blockNumber: params.blockNumber })
    })
    if (BigInt(raw.owner) === 0n) throw new ChainActionError('readModel', `readModel: model ${params.modelId} does not exist.`)
    return { modelId: params.modelId, owner: raw.owner, head: BigInt(raw.head), taskId: BigInt(raw.taskId) }
  })
}
