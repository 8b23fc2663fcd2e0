import type { BlockNumber } from 'viem'
import type { ProtocolEvent } from '../protocolEvents.ts'
import { asAction } from './errors.ts'
import { readTaskCreation } from './readTaskCreation.ts'
import { readTaskEventRange } from './readTaskEventRange.ts'
import type { ReadContext } from './types.ts'

/**
 * Every protocol event of a task, in chain order: the events that name the task (TaskCreated,
 * RoundStarted, Committed, ShardAccepted, RewardCredited, VersionProposed, …) and the events of
 * its versions that name only the version (VersionConfirmed, VersionFinalized, HeadMoved, …).
 * The scan starts at the task's `TaskCreated` block (found from `fromBlock`, default the deployment
 * block) and asks the node for the task's events alone (`readTaskEventRange`), so it costs what
 * the task's history does, not the chain's. Fails with a ChainActionError when the task was never
 * created.
 */
export async function readTaskEvents (
  ctx: ReadContext,
  params: { taskId: bigint, fromBlock?: BlockNumber }
): Promise<ProtocolEvent[]> {
  return await asAction('readTaskEvents', async () => {
    const { blockNumber } = await readTaskCreation(ctx, params)
    // not the client's cached block number: an event mined a moment ago belongs in the answer
    const head = await ctx.publicClient.getBlockNumber({ cacheTime: 0 })
    return await readTaskEventRange(ctx, { taskId: params.taskId, fromBlock: blockNumber, toBlock: head, before: [] })
  })
}
