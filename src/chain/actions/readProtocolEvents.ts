import { toEventSelector, type AbiEvent, type BlockNumber, type BlockTag } from 'viem'
import { abis } from '../generated/abis.ts'
import { decodeProtocolLog, type ProtocolEvent } from '../protocolEvents.ts'
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
      events: range.names === undefined ? undefined : eventsNamed(range.names),
      fromBlock: typeof range.fromBlock === 'string' ? range.fromBlock : logsFrom(ctx, range.fromBlock),
      toBlock: range.toBlock ?? 'latest'
    })
    const named = range.names === undefined ? undefined : new Set<string>(range.names)
    return logs
      .map((log) => decodeProtocolLog(ctx.contracts, log))
      .filter((event): event is ProtocolEvent => event !== null && (named === undefined || named.has(event.eventName)))
  })
}

/** The ABI entries of every protocol event of these names (a name two contracts share gives both), one per topic. */
function eventsNamed (names: readonly ProtocolEventName[]): AbiEvent[] {
  const wanted = new Set<string>(names)
  const bySelector = new Map<string, AbiEvent>()
  for (const abi of Object.values(abis)) {
    for (const item of abi as readonly { type: string, name?: string }[]) {
      if (item.type === 'event' && wanted.has(item.name!)) bySelector.set(toEventSelector(item as AbiEvent), item as AbiEvent)
    }
  }
  return [...bySelector.values()]
}
