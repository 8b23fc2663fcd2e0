import type { TransactionReceipt } from 'viem'
import { DataRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { readModel } from './readModel.ts'
import { readTask } from './readTask.ts'
import { readVersion, storedData } from './readVersion.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Cites a registered data set as the data of a task: its creator only, while the task is joining
 * (before its join deadline), once. The contract refuses (`DataHashMismatch`) a data set whose
 * content hash is not the task's data hash; `dataHashChecked` is false only for a task that
 * records no data hash, where the citation is the creator's word alone. The task's genesis content
 * (which the registry keeps as a hash) is read from its event and given back for the check.
 */
export async function citeDataSet (ctx: WriteContext, params: { taskId: bigint, dataSetId: bigint }): Promise<{ dataHashChecked: boolean, receipt: TransactionReceipt }> {
  return await asAction('citeDataSet', async () => {
    const { modelId } = await readTask(ctx, { taskId: params.taskId })
    const genesis = await readVersion(ctx, { versionId: (await readModel(ctx, { modelId })).head })
    const receipt = await transact(ctx, 'citeDataSet', { contract: 'DataRegistry', functionName: 'cite', args: [params.taskId, params.dataSetId, storedData(genesis)] })
    const event = eventIn('citeDataSet', receipt, DataRegistryAbi, 'DataSetCited', ctx.contracts.DataRegistry)
    return { dataHashChecked: event.args.dataHashChecked, receipt }
  })
}
