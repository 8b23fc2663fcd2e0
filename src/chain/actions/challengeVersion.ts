import type { Hex, TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Challenges a proposed version within its challenge window (the task's providers and creator
 * only); it then waits for governance's `resolveChallenge`. `reason` is the content hash of the
 * published reason, such as the keccak256 of the version the challenger computed instead.
 */
export async function challengeVersion (ctx: WriteContext, params: { versionId: bigint, reason: Hex }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('challengeVersion', async () => {
    return { receipt: await transact(ctx, 'challengeVersion', { contract: 'ModelRegistry', functionName: 'challenge', args: [params.versionId, params.reason] }) }
  })
}
