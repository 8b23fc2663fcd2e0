import { bytesToHex, keccak256, type Hex, type TransactionReceipt } from 'viem'
import { resultClaim } from '../../core/version/challengeClaim.ts'
import { ResultChallengesAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { newSalt } from './newSalt.ts'
import { resultRefArgs, type ResultRef } from './resultRef.ts'
import { transact, waitForBlockAfter } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Proves on chain that a revealed result's delta is invalid (a header or binding every decoder
 * refuses, `onChainDeltaFault`): the contract checks the bytes against the reveal and slashes the
 * result's provider with the caller as reporter, no referee and no bond. Commits first and proves
 * in a later block, so nobody copying the proof from the mempool takes the reporter's share. Anyone
 * but the accused may prove; `delta` is the whole plaintext, at most `MAX_FRAUD_PROOF_BYTES`.
 */
export async function proveInvalidDelta (ctx: WriteContext, params: { ref: ResultRef, fingerprintHash: Hex, delta: Uint8Array }): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('proveInvalidDelta', async () => {
    const ref = resultRefArgs(params.ref)
    const salt = newSalt()
    const commitment = await ctx.publicClient.readContract({
      address: ctx.contracts.ResultChallenges, abi: ResultChallengesAbi, functionName: 'commitmentOf', args: [ctx.walletClient.account.address, ref, resultClaim(keccak256(params.delta)), salt]
    })
    const committed = await transact(ctx, 'commitInvalidDeltaProof', { contract: 'ResultChallenges', functionName: 'commit', args: [commitment] })
    // The proof must see the commitment in an earlier block, its simulation included.
    await waitForBlockAfter(ctx, committed.blockNumber)
    return {
      receipt: await transact(ctx, 'proveInvalidDelta', {
        contract: 'ResultChallenges', functionName: 'proveInvalidDelta', args: [ref, salt, params.fingerprintHash, bytesToHex(params.delta)]
      })
    }
  })
}
