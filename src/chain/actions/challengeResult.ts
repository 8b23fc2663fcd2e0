import type { Hex, TransactionReceipt } from 'viem'
import { ResultChallengesAbi } from '../generated/abis.ts'
import { newSalt } from './newSalt.ts'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import { transact, waitForBlockAfter } from './transact.ts'
import { resultRefArgs, type ResultRef } from './resultRef.ts'
import type { WriteContext } from './types.ts'

/**
 * Challenges one revealed result (a task's providers and creator only, not its own), e.g. a winner
 * whose delta bytes do not give its revealed fingerprint: commits to the challenge, then opens it
 * in a later block (the contract refuses it in the commitment's, where a copier could commit as
 * early), bonding the task's reward per result,
 * approved first when the allowance is short. `claim` is what checking the result's bytes found
 * (`resultClaim`, as `checkWinners` gives it). The referee judges it: upheld, the result's provider
 * is slashed, and the caller is the reporter with its bond back when its claim is the referee's
 * (else the bond is burnt); dismissed, the bond goes to the accused; lapsed, it comes back.
 */
export async function challengeResult (ctx: WriteContext, params: { ref: ResultRef, bond: bigint, claim: Hex }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('challengeResult', async () => {
    const ref = resultRefArgs(params.ref)
    const salt = newSalt()
    const commitment = await ctx.publicClient.readContract({
      address: ctx.contracts.ResultChallenges, abi: ResultChallengesAbi, functionName: 'commitmentOf', args: [ctx.walletClient.account.address, ref, params.claim, salt]
    })
    await ensureAllowance(ctx, { amount: params.bond })
    const committed = await transact(ctx, 'commitResultChallenge', { contract: 'ResultChallenges', functionName: 'commit', args: [commitment] })
    // The opening must see the commitment in an earlier block, its simulation included.
    await waitForBlockAfter(ctx, committed.blockNumber)
    return { receipt: await transact(ctx, 'challengeResult', { contract: 'ResultChallenges', functionName: 'challenge', args: [ref, params.claim, salt] }) }
  })
}
