import type { Address, TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Hands a data set over to `newOwner` (its owner only). */
export async function transferDataSet (ctx: WriteContext, params: { dataSetId: bigint, newOwner: Address }): Promise<TransactionReceipt> {
  return await asAction('transferDataSet', async () => await transact(ctx, 'transferDataSet', {
    contract: 'DataRegistry', functionName: 'transferOwnership', args: [params.dataSetId, params.newOwner]
  }))
}
