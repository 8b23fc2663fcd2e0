import type { Hex } from 'viem'
import { DataRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readDataSet, type DataSetState } from './readDataSet.ts'
import type { ReadContext } from './types.ts'

/** The data set registered with `contentHash` (keccak256 of its bytes), or null when none is. */
export async function readDataSetByContentHash (ctx: ReadContext, params: { contentHash: Hex }): Promise<DataSetState | null> {
  return await asAction('readDataSetByContentHash', async () => {
    const blockNumber = await ctx.publicClient.getBlockNumber({ cacheTime: 0 })
    const dataSetId = await ctx.publicClient.readContract({
      address: ctx.contracts.DataRegistry, abi: DataRegistryAbi, functionName: 'dataSetOf', args: [params.contentHash], blockNumber
    })
    // Both reads at one block, so a registration in between cannot make the id dangle.
    return dataSetId === 0n ? null : await readDataSet(ctx, { dataSetId, blockNumber })
  })
}
