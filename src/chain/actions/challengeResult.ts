import { type TransactionReceipt } from 'viem'
import { ResultChallengesAbi } from '../generated/abis.ts'
import { newSalt } from './newSalt.ts'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import { resultRefArgs, type ResultRef } from './resultRef.ts'
import type { WriteContext } from './types.ts'

/**
 * Challenges one revealed result (a task's providers and creator only, not its own), e.g. a winner
 * whose delta bytes do not give its revealed fingerprint: commits to the challenge, then opens it
 * in a later block (each transaction waits for its receipt), bonding the task's reward per result,
 * approved first when the allowance is short. The referee judges it: upheld, the result's provider
 * is slashed with the caller as reporter and the bond comes back; dismissed, the bond goes to the
 * accused; lapsed, it comes back.
 */
export async function challengeResult (ctx: WriteContext, params: { ref: ResultRef, bond: bigint }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('challengeResult', async () => {
    const ref = resultRefArgs(params.ref)
    const salt = newSalt()
    const commitment = await ctx.publicClient.readContract({
      address: ctx.contracts.ResultChallenges, abi: ResultChallengesAbi, functionName: 'commitmentOf', args: [ctx.walletClient.account.address, ref, salt]
    })
    await ensureAllowance(ctx, { amount: params.bond })
    await transact(ctx, 'commitResultChallenge', { contract: 'ResultChallenges', functionName: 'commit', args: [commitment] })
    return { receipt: await transact(ctx, 'challengeResult', { contract: 'ResultChallenges', functionName: 'challenge', args: [ref, salt] }) }
  })
}
