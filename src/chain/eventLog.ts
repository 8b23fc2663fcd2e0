/**
 * Protocol events as a log that grows: the first read scans from the deployment block, each later
 * one only the blocks mined since, so a page that polls every few seconds reads each log entry once
 * instead of the whole history each time. Concurrent reads share one scan. `createProtocolEventLog`
 * keeps every protocol event (or those of some names), `createTaskEventLog` one task's.
 *
 * A chain may reorganize (an L2's sequencer rarely does, anvil on `anvil_reorg`): the log keeps the
 * head it scanned up to at each of its last scans, and when the chain no longer has the newest of
 * them it drops the events above the newest one it still has and scans again from there (from
 * the deployment block when it has none of them).
 */
import type { Hex } from 'viem'
import { readProtocolEvents, type ProtocolEventName } from './actions/readProtocolEvents.ts'
import { readTaskEventRange } from './actions/readTaskEventRange.ts'
import { logsFrom, type ReadContext } from './actions/types.ts'
import type { ProtocolEvent } from './protocolEvents.ts'

export interface ProtocolEventLog {
  /** The log's events up to the latest block, in chain order. */
  events: () => Promise<readonly ProtocolEvent[]>
}

export interface ProtocolEventLogOptions {
  /** Only these events are read and kept: a log that grows with them alone, not with every round of every task. */
  names?: readonly ProtocolEventName[]
}

interface Checkpoint { number: bigint, hash: Hex }

/** Heads kept: a reorganization deeper than this many scans costs a scan from the deployment block. */
const CHECKPOINTS = 64

/** Reads a log's events in a block range, given the events it kept before the range. */
type RangeReader = (range: { fromBlock: bigint, toBlock: bigint }, before: readonly ProtocolEvent[]) => Promise<ProtocolEvent[]>

export function createProtocolEventLog (ctx: ReadContext, options: ProtocolEventLogOptions = {}): ProtocolEventLog {
  return createEventLog(ctx, async (range) => await readProtocolEvents(ctx, { ...range, names: options.names }))
}

/** The events of one task (`readTaskEventRange`): a log that grows with the task alone. */
export function createTaskEventLog (ctx: ReadContext, taskId: bigint): ProtocolEventLog {
  return createEventLog(ctx, async (range, before) => await readTaskEventRange(ctx, { taskId, ...range, before }))
}

function createEventLog (ctx: ReadContext, read: RangeReader): ProtocolEventLog {
  const events: ProtocolEvent[] = []
  /** the head each recent scan reached, oldest first */
  const checkpoints: Checkpoint[] = []
  let scanning: Promise<readonly ProtocolEvent[]> | undefined

  /** Whether the chain whose head is `head` still holds `point` (a block read only when the head alone cannot tell). */
  const holds = async (point: Checkpoint, head: { number: bigint, hash: Hex, parentHash: Hex }): Promise<boolean> => {
    if (head.number < point.number) return false
    if (head.number === point.number) return head.hash === point.hash
    if (head.number === point.number + 1n) return head.parentHash === point.hash
    return (await ctx.publicClient.getBlock({ blockNumber: point.number })).hash === point.hash
  }

  const catchUp = async (): Promise<readonly ProtocolEvent[]> => {
    const head = await ctx.publicClient.getBlock({ blockTag: 'latest' })
    const newest = checkpoints.at(-1)
    if (newest !== undefined && head.number === newest.number && head.hash === newest.hash) return events
    while (checkpoints.length > 0 && !await holds(checkpoints.at(-1)!, head)) checkpoints.pop()
    const last = checkpoints.at(-1)
    // with no checkpoint (the first scan, or a reorg below them all) it starts where the contracts were deployed
    const from = last === undefined ? logsFrom(ctx) : last.number + 1n
    while (events.length > 0 && events.at(-1)!.blockNumber >= from) events.pop()
    // one at a time: a first scan of a long-lived chain can outgrow a spread's argument limit
    for (const event of await read({ fromBlock: from, toBlock: head.number }, events)) events.push(event)
    checkpoints.push({ number: head.number, hash: head.hash })
    if (checkpoints.length > CHECKPOINTS) checkpoints.shift()
    return events
  }
  return {
    events: async () => await (scanning ??= catchUp().finally(() => { scanning = undefined }))
  }
}
