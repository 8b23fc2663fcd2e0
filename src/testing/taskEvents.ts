import type { ProtocolEvent } from '../chain/protocolEvents.ts'

let logIndex = 0

/** A decoded protocol event for tests; the block position is made up. */
export function protocolEvent (contract: ProtocolEvent['contract'], eventName: string, args: Record<string, unknown>, blockNumber = 1n): ProtocolEvent {
  return { contract, eventName, args, blockNumber, transactionHash: `0x${'ab'.repeat(32)}`, logIndex: logIndex++ } as unknown as ProtocolEvent
}
