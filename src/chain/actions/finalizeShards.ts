import type { BlockNumber, BlockTag, TransactionReceipt } from 'viem'
import { ChainActionError, asAction } from './errors.ts'
import { transact } from './transact.ts'
import { readShardResults, roundDecidedIn, shardOutcomeIn, type ShardOutcome } from './shardResults.ts'
import type { WriteContext } from './types.ts'

export type { ShardOutcome } from './shardResults.ts'

/**
 * Decides shards of one round in one transaction (anyone may, for a shard whose reveal window
 * ended or whose every replica revealed), or re-queues splits the referee left undecided past
 * their window. The contract wants, per shard, one fingerprint and one delta leaf
 * (`deltaLeaf(deltaCid)`) per replica slot in slot order, empty and zero for slots that did not
 * reveal; they are gathered from the `Revealed` events of each shard's current attempt, read from
 * `fromBlock` on (default: the block in which that attempt started, from `attemptStart`). Usually
 * the last replica to reveal a shard decides it in its own reveal (`revealResults`); this is for
 * the rest (a missing replica, replicas that revealed in the same block). One shard that fails
 * (decided by someone else meanwhile: `ShardClosed`) fails them all.
 */
export async function finalizeShards (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, shards: readonly number[], fromBlock?: BlockNumber | BlockTag }
): Promise<{ outcomes: ShardOutcome[], roundDecided: boolean, receipt: TransactionReceipt }> {
  return await asAction('finalizeShards', async () => {
    if (params.shards.length === 0) throw new ChainActionError('finalizeShards', 'finalizeShards: no shard to decide.')
    if (new Set(params.shards).size !== params.shards.length) throw new ChainActionError('finalizeShards', `finalizeShards: shard listed twice in ${params.shards.join(', ')}.`)
    const { shards, ...where } = params
    const read = await Promise.all(shards.map(async (shard) => await readShardResults(ctx, 'finalizeShards', { ...where, shard })))
    const receipt = await transact(ctx, 'finalizeShards', {
      contract: 'ConsensusVerifier', functionName: 'finalize',
      args: [params.taskId, BigInt(params.round), read.map((r) => r.results)]
    })
    const outcomes = read.map(({ attempt }, i) => shardOutcomeIn(ctx, receipt, shards[i]!, attempt) ?? { kind: 'failed' as const, attempt })
    return { outcomes, roundDecided: roundDecidedIn(ctx, receipt), receipt }
  })
}
