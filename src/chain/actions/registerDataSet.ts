import type { Hex, TransactionReceipt } from 'viem'
import { DataRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** What `DataRegistry.register` records; `license` and `description` may be empty. */
export interface DataSetRegistration {
  /** Binary CID of the data set's manifest (as a task's `datasetCid`). */
  manifestCid: Hex
  /** keccak256 of the data set's bytes: what a task trained on it records as `initialDataHash`. */
  contentHash: Hex
  name: string
  license?: string
  description?: string
}

/**
 * Registers a data set owned by the caller and reads its id from `DataSetRegistered`. A content
 * hash registered already is refused with a ContractRejectedError whose `errorName` is
 * `AlreadyRegistered` and whose `args[0]` is the first registration's id (check first with
 * `readDataSetByContentHash`); a field too long fails as `FieldTooLong` naming it.
 */
export async function registerDataSet (ctx: WriteContext, params: DataSetRegistration): Promise<{ dataSetId: bigint, receipt: TransactionReceipt }> {
  return await asAction('registerDataSet', async () => {
    const args = [params.manifestCid, params.contentHash, params.name, params.license ?? '', params.description ?? ''] as const
    const receipt = await transact(ctx, 'registerDataSet', { contract: 'DataRegistry', functionName: 'register', args })
    const event = eventIn('registerDataSet', receipt, DataRegistryAbi, 'DataSetRegistered', ctx.contracts.DataRegistry)
    return { dataSetId: event.args.dataSetId, receipt }
  })
}
