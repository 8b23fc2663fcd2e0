import type { TransactionReceipt } from 'viem'
import { ContractRejectedError } from './errors.ts'
import { readDataSetByContentHash } from './readDataSetByContentHash.ts'
import { registerDataSet, type DataSetRegistration } from './registerDataSet.ts'
import type { WriteContext } from './types.ts'

/**
 * The id of the data set registered with `params.contentHash`: the existing registration (nothing
 * sent, `receipt` null), or a new one owned by the caller. A registration that lands between the
 * read and the transaction is taken as the existing one.
 */
export async function ensureDataSet (ctx: WriteContext, params: DataSetRegistration): Promise<{ dataSetId: bigint, receipt: TransactionReceipt | null }> {
  const existing = await readDataSetByContentHash(ctx, { contentHash: params.contentHash })
  if (existing !== null) return { dataSetId: existing.dataSetId, receipt: null }
  try {
    return await registerDataSet(ctx, params)
  } catch (error) {
    if (error instanceof ContractRejectedError && error.errorName === 'AlreadyRegistered' && typeof error.args[0] === 'bigint') return { dataSetId: error.args[0], receipt: null }
    throw error
  }
}
