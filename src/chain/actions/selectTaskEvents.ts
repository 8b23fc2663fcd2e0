import type { Hash, Hex } from 'viem'
import type { ProtocolEvent } from '../protocolEvents.ts'
import type { ProtocolEventName } from './readProtocolEvents.ts'
import { resultKeyOf, resultRefOf } from './resultRef.ts'

/** The protocol's slash events that name a task: their transactions hold the distributor's side. */
export const SLASHES = ['ResultSlashed', 'Equivocated', 'VersionSlashed', 'CosignerSlashed'] as const satisfies readonly ProtocolEventName[]
/** Events without a task that a slash's transaction emits beside it. */
export const SLASH_TRANSACTION_EVENTS = ['Slashed', 'EarningsForfeited', 'SlashPending', 'InvalidDeltaProven'] as const satisfies readonly ProtocolEventName[]
/** The end of a slash's appeal, named by the slash's id. */
export const APPEAL_ENDS = ['SlashExecuted', 'SlashOverturned'] as const satisfies readonly ProtocolEventName[]
/** The end of a result challenge, named by the result's key. */
export const CHALLENGE_ENDS = ['ResultChallengeResolved', 'ResultChallengeExpired'] as const satisfies readonly ProtocolEventName[]

const among = (names: readonly string[]) => (eventName: string): boolean => names.includes(eventName)
/** Whether an event of this name is one of `SLASHES`, `SLASH_TRANSACTION_EVENTS`, `APPEAL_ENDS`, `CHALLENGE_ENDS`. */
export const isSlash = among(SLASHES)
export const isBesideSlash = among(SLASH_TRANSACTION_EVENTS)
export const isAppealEnd = among(APPEAL_ENDS)
export const isChallengeEnd = among(CHALLENGE_ENDS)

/**
 * What ties events that do not name a task to it: its model and versions (the initial one of its
 * TaskCreated, each one VersionProposed for its rounds), the transactions that slashed one of its
 * providers, those slashes' appeal ids, and the keys of its challenged results.
 */
export interface TaskLinks {
  models: Set<bigint>
  versions: Set<bigint>
  slashTransactions: Set<Hash>
  slashIds: Set<bigint>
  challengedResults: Set<Hex>
}

/** The links of `taskId` that `events` (chain order) hold. */
export function taskLinksOf (events: readonly ProtocolEvent[], taskId: bigint): TaskLinks {
  const links: TaskLinks = { models: new Set(), versions: new Set(), slashTransactions: new Set(), slashIds: new Set(), challengedResults: new Set() }
  for (const event of events) {
    if (event.eventName === 'TaskCreated' && event.args.taskId === taskId) {
      links.models.add(event.args.modelId)
      links.versions.add(event.args.initialVersionId)
    }
    if (event.eventName === 'VersionProposed' && event.args.taskId === taskId) links.versions.add(event.args.versionId)
    if (isSlash(event.eventName) && (event.args as { taskId?: bigint }).taskId === taskId) links.slashTransactions.add(event.transactionHash)
    if (event.eventName === 'ResultChallenged' && event.args.taskId === taskId) links.challengedResults.add(resultKeyOf(resultRefOf(event.args)))
  }
  // A slash's appeal opens in its transaction and ends, by its id, in the same one or a later one.
  for (const event of events) if (event.eventName === 'SlashPending' && links.slashTransactions.has(event.transactionHash)) links.slashIds.add(event.args.id)
  return links
}

/** Whether `event` belongs to the task whose links are `links` (see `selectTaskEvents`). */
export function belongsToTask (event: ProtocolEvent, taskId: bigint, links: TaskLinks): boolean {
  // Events without arguments decode to an empty tuple; they name no task.
  const args = event.args as Record<string, unknown>
  if (event.contract === 'MLBToken') return false
  if ('taskId' in args) return args.taskId === taskId
  if (isBesideSlash(event.eventName)) return links.slashTransactions.has(event.transactionHash)
  if (event.eventName === APPEAL_ENDS[0] || event.eventName === APPEAL_ENDS[1]) return links.slashIds.has(event.args.id)
  if (event.eventName === CHALLENGE_ENDS[0] || event.eventName === CHALLENGE_ENDS[1]) return links.challengedResults.has(event.args.resultKey)
  // A fork rolled back to one of the task's versions is the fork's history, not the task's.
  if (event.eventName === 'HeadMoved') return links.models.has(event.args.modelId) && links.versions.has(event.args.to)
  return typeof args.versionId === 'bigint' && links.versions.has(args.versionId)
}

/**
 * The events of `taskId` among protocol events in chain order. A version belongs to the task when
 * the task created it (TaskCreated's initial version) or it was proposed for one of its rounds;
 * registry events that carry only a version id are kept for those versions, and `HeadMoved` where
 * the task's model moved to one of them. Events that name
 * neither are kept where they settle something of the task: the distributor's `Slashed` and
 * `EarningsForfeited` (and `SlashPending`, and a fraud proof's `InvalidDeltaProven`) in a transaction that slashed one of its providers, the
 * end of those slashes' appeals (`SlashExecuted`, `SlashOverturned`, by id), and the closing of a
 * challenge of one of its results (named by `resultKey` only).
 */
export function selectTaskEvents (events: readonly ProtocolEvent[], taskId: bigint): ProtocolEvent[] {
  const links = taskLinksOf(events, taskId)
  return events.filter((event) => belongsToTask(event, taskId, links))
}
