import type { Hash } from 'viem'
import type { EventPosition, ProtocolEvent } from '../chain/protocolEvents.ts'

let logIndex = 0

/** A decoded protocol event for tests; the block position is made up where `at` does not give it. */
export function protocolEvent (
  contract: ProtocolEvent['contract'], eventName: string, args: Record<string, unknown>, at: Partial<EventPosition> = {}
): ProtocolEvent {
  return { contract, eventName, args, blockNumber: 1n, transactionHash: `0x${'ab'.repeat(32)}`, logIndex: logIndex++, ...at } as unknown as ProtocolEvent
}

/** A made-up transaction hash, `n` distinct per transaction: events of one transaction share it. */
export const txHash = (n: number): Hash => `0x${n.toString(16).padStart(64, '0')}`
