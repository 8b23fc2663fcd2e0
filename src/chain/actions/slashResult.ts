import { zeroAddress, type Address, type Hex, type TransactionReceipt } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { resultRefArgs, type ResultRef } from './resultRef.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** `IConsensusVerifier.SlashReason`, in its declaration order. */
export const SLASH_REASONS = ['FingerprintMismatch', 'InvalidDelta', 'RefereeDisagrees'] as const
export type SlashReason = typeof SLASH_REASONS[number]

/**
 * The referee slashes one revealed result (`REFEREE_ROLE` only), e.g. a winner its audit of an
 * accepted shard found wrong: the provider loses the task's `minStake` and everything it has not
 * claimed, and is ejected from the task's later draws. `reporter` (default none) is credited a
 * share; it may be neither the referee nor the caller. Returns the stake taken.
 */
export async function slashResult (
  ctx: WriteContext,
  params: { ref: ResultRef, reason: SlashReason, evidence: Hex, reporter?: Address }
): Promise<{ provider: Address, amount: bigint, receipt: TransactionReceipt }> {
  return await asAction('slashResult', async () => {
    const { ref } = params
    const receipt = await transact(ctx, 'slash', {
      contract: 'ConsensusVerifier', functionName: 'slash',
      args: [resultRefArgs(ref), SLASH_REASONS.indexOf(params.reason), params.evidence, params.reporter ?? zeroAddress]
    })
    const { args } = eventIn('slashResult', receipt, ConsensusVerifierAbi, 'ResultSlashed', ctx.contracts.ConsensusVerifier)
    return { provider: args.provider, amount: args.amount, receipt }
  })
}
