import { formatLog, numberToHex, pad, toEventSelector, type AbiEvent, type Hex, type LogTopic } from 'viem'
import { abis } from '../generated/abis.ts'
import { byChainOrder, decodeProtocolLog, protocolEventAbis, type ProtocolEvent } from '../protocolEvents.ts'
import { asAction } from './errors.ts'
import { belongsToTask, SLASH_TRANSACTION_EVENTS, SLASHES, taskLinksOf } from './selectTaskEvents.ts'
import type { ReadContext } from './types.ts'

/**
 * A task's events in a block range, in chain order: what `selectTaskEvents` keeps of every
 * protocol event in it, but asked of the node by the events' indexed arguments, so the reply
 * grows with the task and not with the chain. `before` is the task's events before the range:
 * the versions, slashes and challenged results they name tie later events to the task.
 *
 * Three queries read the events that name the task (its id is the first, second or third topic),
 * one receipt per transaction that slashed for it gives the distributor's side of the slash, and
 * up to four more queries read what names only one of its versions, its model's head moves, its
 * slashes' appeal ids or its challenged results' keys.
 */
export async function readTaskEventRange (
  ctx: ReadContext,
  params: { taskId: bigint, fromBlock: bigint, toBlock: bigint, before: readonly ProtocolEvent[] }
): Promise<ProtocolEvent[]> {
  return await asAction('readTaskEventRange', async () => {
    const { taskId } = params
    const range = { fromBlock: params.fromBlock, toBlock: params.toBlock }
    if (range.fromBlock > range.toBlock) return []
    const task = uint256Topic(taskId)
    const own = (await Promise.all([...TASK_TOPICS].map(async ([position, selectors]) =>
      await logsMatching(ctx, range, [selectors, ...Array<null>(position - 1).fill(null), task])))).flat()
    const slashTransactions = new Set(own.filter((e) => SLASHES.has(e.eventName)).map((e) => e.transactionHash))
    const receipts = await Promise.all([...slashTransactions].map(async (hash) => await ctx.publicClient.getTransactionReceipt({ hash })))
    const beside = receipts.flatMap((r) => r.logs)
      .flatMap((log) => decodeProtocolLog(ctx.contracts, log) ?? [])
      .filter((e) => SLASH_TRANSACTION_EVENTS.has(e.eventName))
    const links = taskLinksOf([...params.before, ...own, ...beside], taskId)
    const linked = (await Promise.all([
      logsNaming(ctx, range, VERSION_EVENTS, [...links.versions].map(uint256Topic)),
      logsNaming(ctx, range, HEAD_MOVES, [...links.models].map(uint256Topic)),
      logsNaming(ctx, range, APPEAL_ENDS, [...links.slashIds].map(uint256Topic)),
      logsNaming(ctx, range, CHALLENGE_ENDS, [...links.challengedResults])
    ])).flat()
    return [...own, ...beside, ...linked].sort(byChainOrder).filter((e) => belongsToTask(e, taskId, links))
  })
}

/** Values in one topic's OR list: RPC providers cap a filter's size. */
const TOPIC_VALUES_AT_ONCE = 64

interface EventItem { type: string, name?: string, inputs?: readonly { name?: string, indexed?: boolean }[] }

/** Every protocol event's ABI entry, once per selector. */
function protocolEventItems (): AbiEvent[] {
  const items = Object.values(abis).flatMap((abi) => (abi as readonly EventItem[]).filter((item) => item.type === 'event'))
  return protocolEventAbis(items.map((item) => item.name!))
}

/**
 * The selectors of the events that name a task, by the topic its `taskId` is (1 to 3). Every
 * protocol event with a `taskId` indexes it (a test holds the contracts to that).
 */
export const TASK_TOPICS: ReadonlyMap<number, Hex[]> = (() => {
  const byTopic = new Map<number, Hex[]>()
  for (const event of protocolEventItems()) {
    const position = event.inputs.filter((input) => input.indexed === true).findIndex((input) => input.name === 'taskId') + 1
    if (position > 0) byTopic.set(position, [...byTopic.get(position) ?? [], toEventSelector(event)])
  }
  return byTopic
})()

/** Events that name a version and no task (its first topic is the version's id). */
const VERSION_EVENTS = protocolEventItems()
  .filter((event) => event.inputs.some((input) => input.name === 'versionId' && input.indexed === true) && !event.inputs.some((input) => input.name === 'taskId'))
  .map((event) => toEventSelector(event))
const selectorsOf = (names: string[]): Hex[] => protocolEventAbis(names).map((event) => toEventSelector(event))
/** by the model's id */
const HEAD_MOVES = selectorsOf(['HeadMoved'])
/** by the slash's id */
const APPEAL_ENDS = selectorsOf(['SlashExecuted', 'SlashOverturned'])
/** by the result's key */
const CHALLENGE_ENDS = selectorsOf(['ResultChallengeResolved', 'ResultChallengeExpired'])

function uint256Topic (value: bigint): Hex {
  return pad(numberToHex(value), { size: 32 })
}

/** Protocol events of `selectors` whose first topic after the selector is one of `values`. */
async function logsNaming (ctx: ReadContext, range: { fromBlock: bigint, toBlock: bigint }, selectors: Hex[], values: Hex[]): Promise<ProtocolEvent[]> {
  const reads: Promise<ProtocolEvent[]>[] = []
  for (let i = 0; i < values.length; i += TOPIC_VALUES_AT_ONCE) reads.push(logsMatching(ctx, range, [selectors, values.slice(i, i + TOPIC_VALUES_AT_ONCE)]))
  return (await Promise.all(reads)).flat()
}

/** `eth_getLogs` over the protocol's contracts by topics (viem's `getLogs` takes one event's arguments, not several events'). */
async function logsMatching (ctx: ReadContext, range: { fromBlock: bigint, toBlock: bigint }, topics: LogTopic[]): Promise<ProtocolEvent[]> {
  const logs = await ctx.publicClient.request({
    method: 'eth_getLogs',
    params: [{ address: Object.values(ctx.contracts), topics, fromBlock: numberToHex(range.fromBlock), toBlock: numberToHex(range.toBlock) }]
  })
  return logs.flatMap((log) => decodeProtocolLog(ctx.contracts, formatLog(log)) ?? [])
}
