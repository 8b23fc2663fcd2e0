import type { BlockNumber, BlockTag } from 'viem'
import { decodeProtocolLog, protocolEventAbis, type ProtocolEvent } from '../protocolEvents.ts'
import { asAction } from './errors.ts'
import { logsFrom, type ReadContext } from './types.ts'

/** The name of an event some protocol contract emits. */
export type ProtocolEventName = ProtocolEvent['eventName']

/**
 * Every protocol event in a block range, in chain order (for a task's event log or a state rebuild);
 * with `names`, only the events of those names, filtered by the node (their topics) rather than
 * fetched and dropped.
 */
export async function readProtocolEvents (
  ctx: ReadContext,
  range: { fromBlock?: BlockNumber | BlockTag, toBlock?: BlockNumber | BlockTag, names?: readonly ProtocolEventName[] } = {}
): Promise<ProtocolEvent[]> {
  return await asAction('readProtocolEvents', async () => {
    const logs = await ctx.publicClient.getLogs({
      address: Object.values(ctx.contracts),
      events: range.names === undefined ? undefined : protocolEventAbis(range.names),
      fromBlock: typeof range.fromBlock === 'string' ? range.fromBlock : logsFrom(ctx, range.fromBlock),
      toBlock: range.toBlock ?? 'latest'
    })
    const named = range.names === undefined ? undefined : new Set<string>(range.names)
    return logs
      .map((log) => decodeProtocolLog(ctx.contracts, log))
      .filter((event): event is ProtocolEvent => event !== null && (named === undefined || named.has(event.eventName)))
  })
}
