import type { Address } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** Whether `account` holds the verifier's REFEREE_ROLE (settles split shards, slashes, publishes evidence reports). */
export async function readIsReferee (ctx: ReadContext, params: { account: Address }): Promise<boolean> {
  return await asAction('readIsReferee', async () => {
    const verifier = { address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi } as const
    const role = await ctx.publicClient.readContract({ ...verifier, functionName: 'REFEREE_ROLE' })
    return await ctx.publicClient.readContract({ ...verifier, functionName: 'hasRole', args: [role, params.account] })
  })
}
