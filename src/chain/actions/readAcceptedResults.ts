import type { BlockNumber } from 'viem'
import { hasBit } from '../../core/bitmask.ts'
import { acceptedResults, type AcceptedResult, type RevealedWinner } from '../../core/version/acceptedResults.ts'
import { ChainActionError, asAction } from './errors.ts'
import { readAcceptedShards } from './readAcceptedShards.ts'
import { readRevealed } from './readRevealed.ts'
import type { ReadContext } from './types.ts'

/**
 * What every winner of a decided round revealed, in the order a proposal lists it (see
 * core/version/acceptedResults.ts), from the `ShardAccepted` and `Revealed` events read from
 * `fromBlock` on (default 0).
 */
export async function readAcceptedResults (ctx: ReadContext, params: { taskId: bigint, round: number, fromBlock?: BlockNumber }): Promise<AcceptedResult[]> {
  return await asAction('readAcceptedResults', async () => {
    const winners: RevealedWinner[] = []
    for (const a of await readAcceptedShards(ctx, params)) {
      const revealed = (await readRevealed(ctx, { ...params, shard: a.shard, attempt: a.attempt, fromBlock: params.fromBlock ?? 0n })).filter((r) => hasBit(a.winnersMask, r.replica))
      for (const r of revealed) winners.push({ shard: a.shard, ...r })
      const missing = [...Array(16).keys()].filter((i) => hasBit(a.winnersMask, i) && !revealed.some((r) => r.replica === i))
      if (missing.length > 0) throw new ChainActionError('readAcceptedResults', `readAcceptedResults: no Revealed event for winners ${missing.join(', ')} of shard ${a.shard} (is fromBlock too late?).`)
    }
    return acceptedResults(winners)
  })
}
