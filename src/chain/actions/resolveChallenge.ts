import type { TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * The referee's verdict on a challenged version (ModelRegistry `REFEREE_ROLE` only, before the
 * challenge's `resolveBy`): `uphold` rejects the version and returns the challenger's bond;
 * dismissing it gives the bond to the version's aggregator and, while its round runs, makes the
 * version final.
 */
export async function resolveChallenge (ctx: WriteContext, params: { versionId: bigint, uphold: boolean }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('resolveChallenge', async () => ({
    receipt: await transact(ctx, 'resolveChallenge', { contract: 'ModelRegistry', functionName: 'resolveChallenge', args: [params.versionId, params.uphold] })
  }))
}
