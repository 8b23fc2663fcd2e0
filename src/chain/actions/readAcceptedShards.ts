import type { BlockNumber } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readRoundStartBlock } from './readRoundStartBlock.ts'
import { logsFrom, type ReadContext } from './types.ts'

/** A shard's accepted attempt (from `ShardAccepted`): its centre replica and the winners' bitmask. */
export interface AcceptedShard {
  shard: number
  attempt: number
  center: number
  winnersMask: number
}

/** An accepted shard as its event names it, with where it was accepted. */
export interface AcceptedShardEvent extends AcceptedShard {
  taskId: bigint
  round: number
  blockNumber: bigint
}

/**
 * The accepted shards of a task's round (of every round without `round`, of every task without
 * `taskId`), from `fromBlock` to `toBlock` (default latest). `fromBlock` defaults to the block a
 * given round of a given task started in, else to the deployment block.
 */
export async function readAcceptedShards (ctx: ReadContext, params: { taskId?: bigint, round?: number, fromBlock?: BlockNumber, toBlock?: BlockNumber }): Promise<AcceptedShardEvent[]> {
  return await asAction('readAcceptedShards', async () => {
    const { taskId, round } = params
    const fromBlock = params.fromBlock ?? (taskId !== undefined && round !== undefined ? await readRoundStartBlock(ctx, { taskId, round }) : logsFrom(ctx))
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'ShardAccepted',
      args: { ...(params.taskId === undefined ? {} : { taskId: params.taskId }), ...(params.round === undefined ? {} : { round: BigInt(params.round) }) },
      fromBlock, toBlock: params.toBlock ?? 'latest', strict: true
    })
    return logs.map((log) => ({
      taskId: log.args.taskId,
      blockNumber: log.blockNumber ?? 0n,
      round: Number(log.args.round), shard: Number(log.args.shard), attempt: Number(log.args.attempt), center: Number(log.args.center), winnersMask: Number(log.args.winnersMask)
    }))
  })
}
