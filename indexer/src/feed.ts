/**
 * The event feed: `on` registers a handler with Ponder as `ponder.on` does, and records the event
 * in the `event` table first, so every indexed event reaches GET /events, its stream and the
 * webhooks without each handler having to remember it.
 */
import { ponder } from 'ponder:registry'
import { event as feed } from 'ponder:schema'
import { replaceBigInts } from 'ponder'
import { feedNameOf } from '../../src/sdk/events.ts'
import { claimEarlier, taskOf } from './feedTask.ts'

/** Room for a block's log indexes below the block number in a feed ID. */
const LOG_INDEX_BITS = 20n

/** The feed's cursor for a log: ordered as the chain orders events (one chain only). */
export const feedId = (blockNumber: bigint, logIndex: number): bigint => (blockNumber << LOG_INDEX_BITS) + BigInt(logIndex)

/** The parts of a contract log event the feed keeps (Ponder's Event for a `Contract:Event` name). */
interface LogEvent {
  args: Record<string, unknown>
  block: { number: bigint, timestamp: bigint }
  log: { logIndex: number }
  transaction: { hash: `0x${string}` }
}

export const on: typeof ponder.on = (key, handler) => {
  const [contract, event] = key.split(':') as [string, string]
  // an event missing from the SDK's list would be served under a name the API refuses to filter on;
  // a name two contracts share is listed, and recorded, as `Contract:Event` (src/sdk/events.ts)
  const name = feedNameOf(contract, event)
  if (name === undefined) throw new Error(`${key} is not in EVENT_CONTRACTS (src/sdk/events.ts): add it there`)
  ponder.on(key, async (args) => {
    const event = args.event as unknown as LogEvent
    const db = args.context.db
    const taskId = await taskOf(db, name, event.args)
    await db.insert(feed).values({
      id: feedId(event.block.number, event.log.logIndex),
      contract,
      name,
      args: replaceBigInts({ ...event.args }, (v) => v.toString()),
      taskId,
      blockNumber: event.block.number,
      logIndex: event.log.logIndex,
      transactionHash: event.transaction.hash,
      timestamp: event.block.timestamp
    })
    if (taskId !== null) await claimEarlier(db, name, event.args, event.transaction.hash, taskId)
    await handler(args)
  })
}
