import type { BlockNumber, BlockTag, TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import { readShardResults, roundDecidedIn, shardOutcomeIn, type ShardOutcome } from './shardResults.ts'
import type { WriteContext } from './types.ts'

export type { ShardOutcome } from './shardResults.ts'

/**
 * Decides a shard (anyone may call it once the reveal window ended or every replica revealed), or
 * re-queues a split the referee left undecided past its window. The contract wants one
 * fingerprint and one delta leaf (`deltaLeaf(deltaCid)`) per replica slot in slot order, empty
 * and zero for slots that did not reveal; they are gathered from the `Revealed` events of the
 * shard's current attempt, read from `fromBlock` on (default: the block in which that attempt
 * started, from `attemptStart`). Usually the last replica to reveal decides the shard in its own
 * reveal (`revealResults`); this is for the rest (a missing replica, a race).
 */
export async function finalizeShard (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, shard: number, fromBlock?: BlockNumber | BlockTag }
): Promise<{ outcome: ShardOutcome, roundDecided: boolean, receipt: TransactionReceipt }> {
  return await asAction('finalizeShard', async () => {
    const { attempt, results } = await readShardResults(ctx, 'finalizeShard', params)
    const receipt = await transact(ctx, 'finalizeShard', {
      contract: 'ConsensusVerifier', functionName: 'finalize',
      args: [params.taskId, BigInt(params.round), BigInt(params.shard), results.fingerprints, results.deltaLeaves]
    })
    return { outcome: shardOutcomeIn(ctx, receipt, params.shard, attempt) ?? { kind: 'failed', attempt }, roundDecided: roundDecidedIn(ctx, receipt), receipt }
  })
}
