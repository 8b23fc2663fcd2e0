/**
 * A feed event (GET /events) as the chain's log decodes it (src/chain/protocolEvents.ts): the
 * event's name without the feed's contract qualifier, and its arguments typed by the contract's
 * ABI (bigint where viem decodes a bigint, checksummed addresses), so code written for the chain's
 * events reads the API's unchanged.
 */
import { getAddress, type AbiParameter } from 'viem'
import { errorKind } from '../core/errors.ts'
import { abis } from '../chain/generated/abis.ts'
import type { ProtocolEvent as ChainEvent } from '../chain/protocolEvents.ts'
import { allPages } from './allPages.ts'
import type { MLBridgeClient } from './client.ts'
import type { ProtocolEvent } from './schemas.ts'

/** viem decodes integers of up to 48 bits as numbers, wider ones as bigints. */
const NUMBER_BITS = 48

/** The feed carries an argument its contract's ABI does not describe as it does. */
export class EventDecodeError extends errorKind('EVENT_DECODE') {
  override name = 'EventDecodeError'
}

function valueOf (parameter: Pick<AbiParameter, 'type' | 'name'>, value: unknown, where: string): unknown {
  const { type } = parameter
  const list = /^(.*)\[\d*\]$/.exec(type)
  if (list !== null) {
    if (!Array.isArray(value)) throw new EventDecodeError(`${where}: expected an array for ${type}, got ${JSON.stringify(value)}`)
    return value.map((item, i) => valueOf({ type: list[1]!, name: `${parameter.name ?? ''}[${i}]` }, item, where))
  }
  const integer = /^u?int(\d*)$/.exec(type)
  if (integer !== null) {
    if (typeof value !== 'string' && typeof value !== 'number') throw new EventDecodeError(`${where}: expected an integer for ${parameter.name ?? type}, got ${JSON.stringify(value)}`)
    return Number(integer[1] === '' ? 256 : integer[1]) > NUMBER_BITS ? BigInt(value) : Number(value)
  }
  if (type === 'address') {
    if (typeof value !== 'string') throw new EventDecodeError(`${where}: expected an address for ${parameter.name ?? type}, got ${JSON.stringify(value)}`)
    return getAddress(value)
  }
  if (type === 'tuple') throw new EventDecodeError(`${where}: tuple arguments are not supported (${parameter.name ?? type})`)
  return value
}

/** The chain's decoded form of an event from the indexer's feed. */
export function chainEventOf (event: ProtocolEvent): ChainEvent {
  const eventName = event.name.split(':').at(-1)!
  const where = `event ${event.id} (${event.contract}.${eventName})`
  const abiEvent = abis[event.contract].find((item) => item.type === 'event' && item.name === eventName)
  if (abiEvent?.type !== 'event') throw new EventDecodeError(`${where}: ${event.contract}'s ABI has no such event`)
  const args = Object.fromEntries(abiEvent.inputs.map((input) => {
    if (!(input.name in event.args)) throw new EventDecodeError(`${where}: argument ${input.name} is missing`)
    return [input.name, valueOf(input, event.args[input.name], where)]
  }))
  return {
    contract: event.contract,
    eventName,
    args,
    blockNumber: BigInt(event.blockNumber),
    transactionHash: event.transactionHash,
    logIndex: event.logIndex
  } as ChainEvent
}

/** Every event of a task the API has indexed, in chain order, as the chain's log decodes them. */
export async function chainEventsOfTask (client: Pick<MLBridgeClient, 'events'>, task: bigint): Promise<ChainEvent[]> {
  return (await allPages(async (page) => await client.events({ task, ...page }))).map(chainEventOf)
}
