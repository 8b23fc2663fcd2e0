/**
 * The protocol's events as a log that grows: the first read scans from block 0, each later one only
 * the blocks mined since, so a page that polls every few seconds reads each log entry once instead
 * of the whole history each time. Concurrent reads share one scan. A chain that reorganizes below
 * a scanned block (anvil never does; an L2's sequencer rarely) needs a new log.
 */
import { readProtocolEvents } from './actions/readProtocolEvents.ts'
import type { ReadContext } from './actions/types.ts'
import type { ProtocolEvent } from './protocolEvents.ts'

export interface ProtocolEventLog {
  /** Every protocol event up to the latest block, in chain order. */
  events: () => Promise<readonly ProtocolEvent[]>
}

export function createProtocolEventLog (ctx: ReadContext): ProtocolEventLog {
  const events: ProtocolEvent[] = []
  let scanned = -1n
  let scanning: Promise<readonly ProtocolEvent[]> | undefined
  const catchUp = async (): Promise<readonly ProtocolEvent[]> => {
    const head = await ctx.publicClient.getBlockNumber({ cacheTime: 0 })
    if (head > scanned) {
      // one at a time: a first scan of a long-lived chain can outgrow a spread's argument limit
      for (const event of await readProtocolEvents(ctx, { fromBlock: scanned + 1n, toBlock: head })) events.push(event)
      scanned = head
    }
    return events
  }
  return {
    events: async () => await (scanning ??= catchUp().finally(() => { scanning = undefined }))
  }
}
