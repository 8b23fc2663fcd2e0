import type { WatchEventReturnType } from 'viem'
import { decodeProtocolLog, type ProtocolEvent } from '../protocolEvents.ts'
import type { ReadContext } from './types.ts'

/** Calls `onEvents` with new protocol events as blocks arrive; returns the function that stops watching. */
export function watchProtocolEvents (
  ctx: ReadContext,
  handlers: { onEvents: (events: ProtocolEvent[]) => void, onError?: (error: Error) => void, pollingInterval?: number }
): WatchEventReturnType {
  return ctx.publicClient.watchEvent({
    address: Object.values(ctx.contracts),
    pollingInterval: handlers.pollingInterval,
    onError: handlers.onError,
    onLogs: (logs) => {
      const events = logs.map((log) => decodeProtocolLog(ctx.contracts, log)).filter((event): event is ProtocolEvent => event !== null)
      if (events.length > 0) handlers.onEvents(events)
    }
  })
}
