import { isAddressEqual, parseEventLogs, type Abi, type Address, type ContractEventName, type ParseEventLogsReturnType, type TransactionReceipt } from 'viem'
import { MissingEventError, TransactionRevertedError } from './errors.ts'
import type { WriteContext } from './types.ts'

/** Extra gas over the estimate, as a fraction: 1/4 = 25%. */
const GAS_HEADROOM_DIVISOR = 4n

/**
 * Sends a request that `simulateContract` prepared (so a revert is caught and decoded before any
 * gas is spent), waits for the receipt and checks its status.
 */
export async function send (ctx: WriteContext, action: string, request: object): Promise<TransactionReceipt> {
  // Protocol calls cost more when they are the ones that close a shard or a round, and another
  // provider's transaction can make them so between estimate and inclusion: leave headroom.
  const estimate = await ctx.publicClient.estimateContractGas(request as never)
  const gas = estimate + estimate / GAS_HEADROOM_DIVISOR
  const hash = await ctx.walletClient.writeContract({ ...request, gas, chain: ctx.walletClient.chain ?? null } as never)
  ctx.onSent?.(action, hash)
  const receipt = await ctx.publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new TransactionRevertedError(action, hash)
  return receipt
}

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
