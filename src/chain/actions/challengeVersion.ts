import type { Hex, TransactionReceipt } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { ensureAllowance } from './ensureAllowance.ts'
import { asAction } from './errors.ts'
import { newSalt } from './newSalt.ts'
import { transact, waitForBlockAfter } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Challenges a proposed version within its challenge window (the task's providers and creator
 * only), bonding the task's minimum stake, approved first when the allowance is short: commits to
 * the challenge, then opens it in a later block (each transaction waits for its receipt), so
 * nobody copying the opening from the mempool can take the challenger's share. The referee then
 * judges it: upheld, the version is rejected, its aggregator slashed with the caller as reporter
 * and the bond comes back when its claim is the referee's (else it is burnt); dismissed, the bond
 * is lost; lapsed, it comes back. `claim` is `versionClaim` of the round as the challenger
 * recomputed it.
 */
export async function challengeVersion (ctx: WriteContext, params: { versionId: bigint, claim: Hex }): Promise<{ bond: bigint, receipt: TransactionReceipt }> {
  return await asAction('challengeVersion', async () => {
    const registry = { address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi } as const
    const salt = newSalt()
    const [bond, commitment] = await Promise.all([
      ctx.publicClient.readContract({ ...registry, functionName: 'challengeBond', args: [params.versionId] }),
      ctx.publicClient.readContract({ ...registry, functionName: 'challengeCommitmentOf', args: [ctx.walletClient.account.address, params.versionId, params.claim, salt] })
    ])
    await ensureAllowance(ctx, { amount: bond })
    const committed = await transact(ctx, 'commitVersionChallenge', { contract: 'ModelRegistry', functionName: 'commitChallenge', args: [commitment] })
    // The opening must see the commitment in an earlier block, its simulation included.
    await waitForBlockAfter(ctx, committed.blockNumber)
    return { bond, receipt: await transact(ctx, 'challengeVersion', { contract: 'ModelRegistry', functionName: 'challenge', args: [params.versionId, params.claim, salt] }) }
  })
}
