import type { BlockNumber } from 'viem'
import { acceptedResults, winnerReveals, type AcceptedResult } from '../../core/version/acceptedResults.ts'
import { asAction } from './errors.ts'
import { readAcceptedShards } from './readAcceptedShards.ts'
import { readRevealed } from './readRevealed.ts'
import { logsFrom, type ReadContext } from './types.ts'

/**
 * What every winner of a decided round revealed, in the order a proposal lists it (see
 * core/version/acceptedResults.ts), from the `ShardAccepted` and `Revealed` events read from
 * `fromBlock` on (default: the deployment block).
 */
export async function readAcceptedResults (ctx: ReadContext, params: { taskId: bigint, round: number, fromBlock?: BlockNumber }): Promise<AcceptedResult[]> {
  return await asAction('readAcceptedResults', async () => {
    const fromBlock = logsFrom(ctx, params.fromBlock)
    const shards = await winnerReveals(await readAcceptedShards(ctx, params), async (a) => await readRevealed(ctx, { ...params, shard: a.shard, attempt: a.attempt, fromBlock }))
    return acceptedResults(shards.flatMap((s) => s.reveals.map((r) => ({ shard: s.shard, ...r }))))
  })
}
