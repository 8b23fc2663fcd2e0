import type { Hex, TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * The referee's verdict on a challenged version (ModelRegistry `REFEREE_ROLE` only, before the
 * challenge's `resolveBy`): `uphold` rejects the version and slashes its aggregator, and returns the
 * challenger's bond, as reporter, when its claim is `claim` (`versionClaim` of the round as the
 * referee recomputed it; else the bond is burnt); dismissing it gives the bond to the version's
 * aggregator and, while its round runs, makes the version final.
 */
export async function resolveChallenge (ctx: WriteContext, params: { versionId: bigint, uphold: boolean, claim: Hex }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('resolveChallenge', async () => ({
    receipt: await transact(ctx, 'resolveChallenge', { contract: 'ModelRegistry', functionName: 'resolveChallenge', args: [params.versionId, params.uphold, params.claim] })
  }))
}
