import type { TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** Makes a proposed version final once its challenge window passed unchallenged (anyone may call it). */
export async function finalizeVersion (ctx: WriteContext, params: { versionId: bigint }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('finalizeVersion', async () => {
    return { receipt: await transact(ctx, 'finalizeVersion', { contract: 'ModelRegistry', functionName: 'finalizeVersion', args: [params.versionId] }) }
  })
}
