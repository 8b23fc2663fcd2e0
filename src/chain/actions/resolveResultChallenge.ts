import type { Hex, TransactionReceipt } from 'viem'
import { resultRefArgs, type ResultRef } from './resultRef.ts'
import { asAction } from './errors.ts'
import { SLASH_REASONS, type SlashReason } from './slashResult.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * The referee's judgement of a result challenge (ResultChallenges `REFEREE_ROLE`, before its
 * `resolveBy`): `upheld` slashes the result for `reason`, and returns the bond with the challenger
 * as reporter when its claim is `claim` (`resultClaim` of the bytes as the referee found them;
 * else the bond is burnt); dismissing it forfeits the bond to the accused.
 */
export async function resolveResultChallenge (
  ctx: WriteContext,
  params: { ref: ResultRef, upheld: boolean, reason: SlashReason, evidence: Hex, claim: Hex }
): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('resolveResultChallenge', async () => ({
    receipt: await transact(ctx, 'resolveResultChallenge', {
      contract: 'ResultChallenges', functionName: 'resolve',
      args: [resultRefArgs(params.ref), params.upheld, SLASH_REASONS.indexOf(params.reason), params.evidence, params.claim]
    })
  }))
}
