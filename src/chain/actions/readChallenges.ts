import type { Address, BlockNumber, Hex } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** A version challenge (from `VersionChallenged`) and, while it is open, its bond and deadline. */
export interface VersionChallenge {
  versionId: bigint
  challenger: Address
  /** what the challenger recomputed (`versionClaim`) */
  claim: Hex
  blockNumber: bigint
}

/** The challenges raised from `fromBlock` to `toBlock` (default: latest). */
export async function readChallenges (ctx: ReadContext, params: { fromBlock: BlockNumber, toBlock?: BlockNumber }): Promise<VersionChallenge[]> {
  return await asAction('readChallenges', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, eventName: 'VersionChallenged',
      fromBlock: params.fromBlock, toBlock: params.toBlock ?? 'latest', strict: true
    })
    return logs.map((log) => ({ versionId: log.args.versionId, challenger: log.args.challenger, claim: log.args.claim, blockNumber: log.blockNumber ?? 0n }))
  })
}

/** The open challenge of a version: its challenger (zero when none is open), bond, deadline and claim. */
export async function readOpenChallenge (ctx: ReadContext, params: { versionId: bigint }): Promise<{ challenger: Address, bond: bigint, resolveBy: bigint, claim: Hex }> {
  return await asAction('readOpenChallenge', async () => {
    const [challenger, bond, resolveBy, , claim] = await ctx.publicClient.readContract({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'challenges', args: [params.versionId]
    })
    return { challenger, bond, resolveBy, claim }
  })
}
