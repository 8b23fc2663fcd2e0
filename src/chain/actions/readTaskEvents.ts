import type { BlockNumber, Hash, Hex } from 'viem'
import type { ProtocolEvent } from '../protocolEvents.ts'
import { readProtocolEvents } from './readProtocolEvents.ts'
import { asAction } from './errors.ts'
import { readTaskCreation } from './readTaskCreation.ts'
import { resultRefOf, resultKeyOf } from './resultRef.ts'
import type { ReadContext } from './types.ts'

/**
 * Every protocol event of a task, in chain order: the events that name the task (TaskCreated,
 * RoundStarted, Committed, ShardAccepted, RewardCredited, VersionProposed, …) and the events of
 * its versions that name only the version (VersionConfirmed, VersionFinalized, HeadMoved, …).
 * The scan starts at the task's `TaskCreated` block (found from `fromBlock`, default the deployment block); fails
 * with a ChainActionError when the task was never created.
 */
export async function readTaskEvents (
  ctx: ReadContext,
  params: { taskId: bigint, fromBlock?: BlockNumber }
): Promise<ProtocolEvent[]> {
  return await asAction('readTaskEvents', async () => {
    const { blockNumber } = await readTaskCreation(ctx, params)
    const events = await readProtocolEvents(ctx, { fromBlock: blockNumber })
    return selectTaskEvents(events, params.taskId)
  })
}

/**
 * The events of `taskId` among protocol events in chain order. A version belongs to the task when
 * the task created it (TaskCreated's initial version) or it was proposed for one of its rounds;
 * registry events that carry only a version id are kept for those versions. Events that name
 * neither are kept where they settle something of the task: the distributor's `Slashed` and
 * `EarningsForfeited` (and `SlashPending`, and a fraud proof's `InvalidDeltaProven`) in a transaction that slashed one of its providers, the
 * end of those slashes' appeals (`SlashExecuted`, `SlashOverturned`, by id), and the closing of a
 * challenge of one of its results (named by `resultKey` only).
 */
export function selectTaskEvents (events: readonly ProtocolEvent[], taskId: bigint): ProtocolEvent[] {
  const versions = new Set<bigint>()
  const slashTransactions = new Set<Hash>()
  const challengedResults = new Set<Hex>()
  const slashIds = new Set<bigint>()
  for (const event of events) {
    if (event.eventName === 'TaskCreated' && event.args.taskId === taskId) versions.add(event.args.initialVersionId)
    if (event.eventName === 'VersionProposed' && event.args.taskId === taskId) versions.add(event.args.versionId)
    if ((event.eventName === 'ResultSlashed' || event.eventName === 'Equivocated' || event.eventName === 'VersionSlashed' || event.eventName === 'CosignerSlashed') && event.args.taskId === taskId) slashTransactions.add(event.transactionHash)
    if (event.eventName === 'ResultChallenged' && event.args.taskId === taskId) challengedResults.add(resultKeyOf(resultRefOf(event.args)))
  }
  // A slash's appeal opens in its transaction and ends, by its id, in the same one or a later one.
  for (const event of events) if (event.eventName === 'SlashPending' && slashTransactions.has(event.transactionHash)) slashIds.add(event.args.id)
  return events.filter((event) => {
    // Events without arguments decode to an empty tuple; they name no task.
    const args = event.args as Record<string, unknown>
    if (event.contract === 'MLBToken') return false
    if ('taskId' in args) return args.taskId === taskId
    if (event.eventName === 'Slashed' || event.eventName === 'EarningsForfeited' || event.eventName === 'SlashPending' || event.eventName === 'InvalidDeltaProven') return slashTransactions.has(event.transactionHash)
    if (event.eventName === 'SlashExecuted' || event.eventName === 'SlashOverturned') return slashIds.has(event.args.id)
    if (event.eventName === 'ResultChallengeResolved' || event.eventName === 'ResultChallengeExpired') return challengedResults.has(event.args.resultKey)
    if (event.eventName === 'HeadMoved') return versions.has(event.args.to)
    return typeof args.versionId === 'bigint' && versions.has(args.versionId)
  })
}
