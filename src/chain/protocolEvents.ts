import {
  decodeEventLog,
  decodeFunctionData,
  isAddressEqual,
  toEventSelector,
  type AbiEvent,
  type DecodeEventLogReturnType,
  type Hash,
  type Hex,
  type Log
} from 'viem'
import type { ProtocolContracts } from './contracts.ts'
import { abis, type ContractName } from './generated/abis.ts'

/** Where a decoded protocol event sits on chain. */
export interface EventPosition {
  blockNumber: bigint
  transactionHash: Hash
  logIndex: number
}

/**
 * One protocol event, typed by contract and event name: narrow on `contract` and `eventName` to
 * get its `args` (e.g. `ShardAccepted` of the ConsensusVerifier).
 */
export type ProtocolEvent = {
  [K in ContractName]: { contract: K } & DecodeEventLogReturnType<(typeof abis)[K], undefined, `0x${string}`[], `0x${string}`, true>
}[ContractName] & EventPosition

/** Decodes a log of any protocol contract; null for logs of other addresses or unknown events. */
export function decodeProtocolLog (contracts: ProtocolContracts, log: Log): ProtocolEvent | null {
  const contract = (Object.keys(contracts) as ContractName[]).find((name) => isAddressEqual(contracts[name], log.address))
  if (contract === undefined || log.blockNumber === null || log.transactionHash === null || log.logIndex === null) return null
  try {
    const decoded = decodeEventLog({ abi: abis[contract], data: log.data, topics: log.topics, strict: true })
    return { contract, ...decoded, blockNumber: log.blockNumber, transactionHash: log.transactionHash, logIndex: log.logIndex } as ProtocolEvent
  } catch {
    return null
  }
}

/** The protocol function a transaction calls (`commit`, `propose`, …), or its selector when none matches. */
export function protocolFunctionName (input: Hex): string {
  for (const abi of Object.values(abis)) {
    try {
      return decodeFunctionData({ abi, data: input }).functionName
    } catch {}
  }
  return input.slice(0, 10)
}

let protocolEvents: readonly AbiEvent[] | undefined

/**
 * The ABI entries of the protocol's events, of these names when given, one per selector (a name
 * two contracts declare alike is one topic). Gathered on first use, not at start-up.
 */
export function protocolEventAbis (names?: Iterable<string>): AbiEvent[] {
  protocolEvents ??= (() => {
    const bySelector = new Map<string, AbiEvent>()
    for (const abi of Object.values(abis)) {
      for (const item of abi as readonly AbiEvent[]) if (item.type === 'event') bySelector.set(toEventSelector(item), item)
    }
    return [...bySelector.values()]
  })()
  if (names === undefined) return [...protocolEvents]
  const wanted = new Set<string>(names)
  return protocolEvents.filter((event) => wanted.has(event.name))
}

/** Sorts events in chain order (block, then position in the block): `events.sort(byChainOrder)`. */
export function byChainOrder (a: EventPosition, b: EventPosition): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1
}
