/**
 * Which task a feed event belongs to: the events the task page shows for it, as the chain's
 * `selectTaskEvents` (src/chain/actions/selectTaskEvents.ts) picks them, so GET /events?task=N can
 * stand in for a scan of the whole chain. Most events name their task, their version (whose task
 * is known once it was created or proposed for one), or a result challenge of it. Some come before
 * what names their task, and are claimed when it comes: a version's VersionRegistered before its
 * TaskCreated or VersionProposed, and a slash's distributor events and fraud proof before the
 * verifier's or the registry's event that names the slashed task, in the same transaction.
 */
import type { Context } from 'ponder:registry'
import { dispute, event as feed, version } from 'ponder:schema'
import { and, eq, inArray, isNull, sql } from 'ponder'
import { isAppealEnd, isChallengeEnd, isSlash, SLASH_TRANSACTION_EVENTS } from '../../src/chain/actions/selectTaskEvents.ts'
import type { EventName } from '../../src/sdk/events.ts'

type Db = Context['db']
type Args = Record<string, unknown>

/** Events in a slash's transaction that name no task; the event that names it follows them. */
const SLASH_SIDE: EventName[] = [...SLASH_TRANSACTION_EVENTS]

const taskOfVersion = async (db: Db, id: unknown): Promise<bigint | null> =>
  typeof id === 'bigint' ? (await db.find(version, { id }))?.taskId ?? null : null

/** A move of a task's model's head to one of its versions; a fork rolled back to a task's version is the fork's history. */
async function taskOfHeadMove (db: Db, args: Args): Promise<bigint | null> {
  if (typeof args.to !== 'bigint') return null
  const to = await db.find(version, { id: args.to })
  return to !== null && to.modelId === args.modelId ? to.taskId ?? null : null
}

/** The task of an event as it is recorded; null for events of no task (yet). Task 0 is none: a fork's ModelCreated. */
export async function taskOf (db: Db, name: EventName, args: Args): Promise<bigint | null> {
  if (typeof args.taskId === 'bigint') return args.taskId === 0n ? null : args.taskId
  if (name === 'HeadMoved') return await taskOfHeadMove(db, args)
  if (isChallengeEnd(name)) {
    return (await db.find(dispute, { id: `result-${String(args.resultKey)}` }))?.taskId ?? null
  }
  // an appeal's end names only the slash, whose SlashPending was claimed by its task
  if (isAppealEnd(name) && typeof args.id === 'bigint') {
    const [pending] = await db.sql.select({ taskId: feed.taskId }).from(feed)
      .where(and(eq(feed.name, 'SlashPending'), sql`${feed.args}->>'id' = ${args.id.toString()}`)).limit(1)
    return pending?.taskId ?? null
  }
  return await taskOfVersion(db, args.versionId)
}

/**
 * Gives `taskId` the earlier events this one tells the task of. Raw SQL, since the store API finds
 * rows by primary key only; Ponder flushes its cache before each such write, which the events that
 * claim (a task's creation, a proposal, a slash) are rare enough to afford.
 */
export async function claimEarlier (db: Db, name: EventName, args: Args, transactionHash: `0x${string}`, taskId: bigint): Promise<void> {
  const unclaimed = isNull(feed.taskId)
  if (name === 'TaskCreated' || name === 'VersionProposed') {
    const versionId = name === 'TaskCreated' ? args.initialVersionId : args.versionId
    if (typeof versionId !== 'bigint') return
    await db.sql.update(feed).set({ taskId })
      .where(and(unclaimed, eq(feed.name, 'VersionRegistered'), sql`${feed.args}->>'versionId' = ${versionId.toString()}`))
  }
  if (isSlash(name)) {
    await db.sql.update(feed).set({ taskId }).where(and(unclaimed, eq(feed.transactionHash, transactionHash), inArray(feed.name, SLASH_SIDE)))
  }
}
