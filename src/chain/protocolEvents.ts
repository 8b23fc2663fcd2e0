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

/** The ABI entries of every protocol event of these names, one per selector (a name two contracts declare alike is one topic). */
export function protocolEventAbis (names: Iterable<string>): AbiEvent[] {
  const wanted = new Set<string>(names)
  const bySelector = new Map<string, AbiEvent>()
  for (const abi of Object.values(abis)) {
    for (const item of abi as readonly { type: string, name?: string }[]) {
      if (item.type === 'event' && wanted.has(item.name!)) bySelector.set(toEventSelector(item as AbiEvent), item as AbiEvent)
    }
  }
  return [...bySelector.values()]
}

/** Sorts events in chain order (block, then position in the block): `events.sort(byChainOrder)`. */
export function byChainOrder (a: EventPosition, b: EventPosition): number {
  return a.blockNumber === b.blockNumber ? a.logIndex - b.logIndex : a.blockNumber < b.blockNumber ? -1 : 1
}
