import type { Address, BlockNumber } from 'viem'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readRoundStartBlock } from './readRoundStartBlock.ts'
import type { ReadContext } from './types.ts'

/** A version proposed for a task round (from `VersionProposed`). */
export interface ProposalRef {
  versionId: bigint
  aggregator: Address
}

/** The versions proposed for a round of a task, in chain order, from `fromBlock` on (default: the block the round started in). */
export async function readProposals (ctx: ReadContext, params: { taskId: bigint, round: number, fromBlock?: BlockNumber }): Promise<ProposalRef[]> {
  return await asAction('readProposals', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, eventName: 'VersionProposed',
      args: { taskId: params.taskId, round: BigInt(params.round) }, fromBlock: params.fromBlock ?? await readRoundStartBlock(ctx, params), toBlock: 'latest', strict: true
    })
    return logs.map((log) => ({ versionId: log.args.versionId, aggregator: log.args.aggregator }))
  })
}
