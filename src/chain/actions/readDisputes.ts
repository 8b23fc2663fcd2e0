import type { BlockNumber } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** A split shard attempt waiting for the referee (from `ShardDisputed`). */
export interface Dispute {
  taskId: bigint
  round: number
  shard: number
  attempt: number
  revealedMask: number
  /** the referee's verdict must land before this timestamp */
  refereeDeadline: bigint
  blockNumber: bigint
}

/** The splits of every task (or of `taskId`) from `fromBlock` to `toBlock` (default: latest). */
export async function readDisputes (ctx: ReadContext, params: { fromBlock: BlockNumber, toBlock?: BlockNumber, taskId?: bigint }): Promise<Dispute[]> {
  return await asAction('readDisputes', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'ShardDisputed',
      args: params.taskId === undefined ? {} : { taskId: params.taskId },
      fromBlock: params.fromBlock, toBlock: params.toBlock ?? 'latest', strict: true
    })
    return logs.map((log) => ({
      taskId: log.args.taskId,
      round: Number(log.args.round),
      shard: Number(log.args.shard),
      attempt: Number(log.args.attempt),
      revealedMask: Number(log.args.revealedMask),
      refereeDeadline: log.args.refereeDeadline,
      blockNumber: log.blockNumber ?? 0n
    }))
  })
}
