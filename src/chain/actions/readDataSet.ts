import type { ContractFunctionReturnType } from 'viem'
import { DataRegistryAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** `DataRegistry.dataSet` with its id: owner, registration time (seconds), content hash, manifest CID and terms. */
export type DataSetState = ContractFunctionReturnType<typeof DataRegistryAbi, 'view', 'dataSet'> & { dataSetId: bigint }

/** Reads a registered data set (as of `blockNumber`, default latest); fails with a ChainActionError when it does not exist. */
export async function readDataSet (ctx: ReadContext, params: { dataSetId: bigint, blockNumber?: bigint }): Promise<DataSetState> {
  return await asAction('readDataSet', async () => {
    const raw = await ctx.publicClient.readContract({
      address: ctx.contracts.DataRegistry, abi: DataRegistryAbi, functionName: 'dataSet', args: [params.dataSetId],
      ...(params.blockNumber === undefined ? {} : { blockNumber: params.blockNumber })
    })
    if (BigInt(raw.owner) === 0n) throw new ChainActionError('readDataSet', `readDataSet: data set ${params.dataSetId} does not exist.`)
    return { ...raw, dataSetId: params.dataSetId }
  })
}
