import type { Address, BlockNumber } from 'viem'
import { ResultChallengesAbi } from '../generated/abis.ts'
import { resultRefArgs, resultRefOf, type ResultRef } from './resultRef.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** A result challenge as opened (from `ResultChallenged`; an older commitment may take it over later). */
export interface ResultChallenge {
  ref: ResultRef
  challenger: Address
  bond: bigint
  /** the referee's deadline (unix seconds) */
  resolveBy: bigint
  blockNumber: bigint
}

/** The result challenges opened from `fromBlock` to `toBlock` (default: latest), of every task or of `taskId`. */
export async function readResultChallenges (ctx: ReadContext, params: { fromBlock: BlockNumber, toBlock?: BlockNumber, taskId?: bigint }): Promise<ResultChallenge[]> {
  return await asAction('readResultChallenges', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ResultChallenges, abi: ResultChallengesAbi, eventName: 'ResultChallenged',
      args: params.taskId === undefined ? {} : { taskId: params.taskId },
      fromBlock: params.fromBlock, toBlock: params.toBlock ?? 'latest', strict: true
    })
    return logs.map((log) => ({
      ref: resultRefOf(log.args),
      challenger: log.args.challenger,
      bond: log.args.bond,
      resolveBy: BigInt(log.args.resolveBy),
      blockNumber: log.blockNumber ?? 0n
    }))
  })
}

/** The open challenge of a result: its challenger (zero when none is open) and the referee's deadline. */
export async function readOpenResultChallenge (ctx: ReadContext, params: { ref: ResultRef }): Promise<{ challenger: Address, resolveBy: bigint }> {
  return await asAction('readOpenResultChallenge', async () => {
    const c = await ctx.publicClient.readContract({
      address: ctx.contracts.ResultChallenges, abi: ResultChallengesAbi, functionName: 'challengeOf', args: [resultRefArgs(params.ref)]
    })
    return { challenger: c.challenger, resolveBy: BigInt(c.resolveBy) }
  })
}
