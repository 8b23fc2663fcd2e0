import type { BlockNumber } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** A shard's accepted attempt (from `ShardAccepted`): its centre replica and the winners' bitmask. */
export interface AcceptedShard {
  shard: number
  attempt: number
  center: number
  winnersMask: number
}

/** The accepted shards of a round (of every round without `round`), from `fromBlock` on (default 0). */
export async function readAcceptedShards (ctx: ReadContext, params: { taskId: bigint, round?: number, fromBlock?: BlockNumber }): Promise<Array<AcceptedShard & { round: number }>> {
  return await asAction('readAcceptedShards', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'ShardAccepted',
      args: { taskId: params.taskId, ...(params.round === undefined ? {} : { round: BigInt(params.round) }) },
      fromBlock: params.fromBlock ?? 0n, toBlock: 'latest', strict: true
    })
    return logs.map((log) => ({
      round: Number(log.args.round), shard: Number(log.args.shard), attempt: Number(log.args.attempt), center: Number(log.args.center), winnersMask: Number(log.args.winnersMask)
    }))
  })
}
