import { isAddressEqual, parseEventLogs, type Abi, type Address, type ContractEventName, type ParseEventLogsReturnType, type TransactionReceipt } from 'viem'
import { MissingEventError } from './errors.ts'

/** The decoded `eventName` logs that `address` emitted in `receipt`. */
export function eventsIn<const TAbi extends Abi, TName extends ContractEventName<TAbi>> (
  receipt: TransactionReceipt,
  abi: TAbi,
  eventName: TName,
  address: Address
): ParseEventLogsReturnType<TAbi, TName, true> {
  const logs = receipt.logs.filter((log) => isAddressEqual(log.address, address))
  return parseEventLogs({ abi, logs, eventName, strict: true })
}

/** The first `eventName` log of `address` in `receipt`; fails with MissingEventError when there is none. */
export function eventIn<const TAbi extends Abi, TName extends ContractEventName<TAbi>> (
  action: string,
  receipt: TransactionReceipt,
  abi: TAbi,
  eventName: TName,
  address: Address
): ParseEventLogsReturnType<TAbi, TName, true>[number] {
  const [event] = eventsIn(receipt, abi, eventName, address)
  if (event === undefined) throw new MissingEventError(action, eventName, receipt.transactionHash)
  return event
}
