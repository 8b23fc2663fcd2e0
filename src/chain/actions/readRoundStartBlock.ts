import type { BlockNumber } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { logsFrom, type ReadContext } from './types.ts'

/**
 * The block in which a task's round started (`roundStarts`), where a scan for that round's events
 * can begin; the deployment block for a round not started yet. A scan from the deployment block
 * grows with the chain: past an RPC's block-range cap, every read of a long task's rounds fails.
 */
export async function readRoundStartBlock (ctx: ReadContext, params: { taskId: bigint, round: number }): Promise<BlockNumber> {
  return await asAction('readRoundStartBlock', async () => {
    const [, startBlock] = await ctx.publicClient.readContract({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'roundStarts', args: [params.taskId, BigInt(params.round)]
    })
    return startBlock === 0n ? logsFrom(ctx) : startBlock
  })
}
