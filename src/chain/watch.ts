import {
  decodeEventLog,
  decodeFunctionData,
  isAddressEqual,
  type BlockNumber,
  type BlockTag,
  type DecodeEventLogReturnType,
  type Hash,
  type Hex,
  type Log,
  type PublicClient,
  type WatchEventReturnType
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

/** Every protocol event in a block range, in chain order (for a task's event log or a state rebuild). */
export async function getProtocolEvents (
  publicClient: PublicClient,
  contracts: ProtocolContracts,
  range: { fromBlock?: BlockNumber | BlockTag, toBlock?: BlockNumber | BlockTag } = {}
): Promise<ProtocolEvent[]> {
  const logs = await publicClient.getLogs({
    address: Object.values(contracts),
    fromBlock: range.fromBlock ?? 0n,
    toBlock: range.toBlock ?? 'latest'
  })
  return logs.map((log) => decodeProtocolLog(contracts, log)).filter((event): event is ProtocolEvent => event !== null)
}

/** Calls `onEvents` with new protocol events as blocks arrive; returns the function that stops watching. */
export function watchProtocolEvents (
  publicClient: PublicClient,
  contracts: ProtocolContracts,
  handlers: { onEvents: (events: ProtocolEvent[]) => void, onError?: (error: Error) => void, pollingInterval?: number }
): WatchEventReturnType {
  return publicClient.watchEvent({
    address: Object.values(contracts),
    pollingInterval: handlers.pollingInterval,
    onError: handlers.onError,
    onLogs: (logs) => {
      const events = logs.map((log) => decodeProtocolLog(contracts, log)).filter((event): event is ProtocolEvent => event !== null)
      if (events.length > 0) handlers.onEvents(events)
    }
  })
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
