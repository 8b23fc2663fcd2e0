import type { TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Sets a data set's license and description (its owner only); its CID and content hash never change. */
export async function updateDataSet (ctx: WriteContext, params: { dataSetId: bigint, license: string, description: string }): Promise<TransactionReceipt> {
  return await asAction('updateDataSet', async () => await transact(ctx, 'updateDataSet', {
    contract: 'DataRegistry', functionName: 'update', args: [params.dataSetId, params.license, params.description]
  }))
}
