import { formatLog, numberToHex, pad, toEventSelector, type AbiEvent, type Hex, type LogTopic } from 'viem'
import { concurrencyLimit } from '../../core/concurrency.ts'
import { byChainOrder, decodeProtocolLog, protocolEventAbis, type ProtocolEvent } from '../protocolEvents.ts'
import { asAction } from './errors.ts'
import { APPEAL_ENDS, belongsToTask, CHALLENGE_ENDS, isBesideSlash, isSlash, taskLinksOf } from './selectTaskEvents.ts'
import type { ReadContext } from './types.ts'

/**
 * A task's events in a block range, in chain order: what `selectTaskEvents` keeps of every
 * protocol event in it, but asked of the node by the events' indexed arguments, so the reply
 * grows with the task and not with the chain. `before` is the task's events before the range:
 * the versions, slashes and challenged results they name tie later events to the task.
 *
 * One `eth_getLogs` per topic that holds the task's id (the first, second or third: three today),
 * one receipt per transaction in the range that slashed for the task (the distributor's side of
 * the slash), and one query per 64 ids for each kind of id the task's events name (its versions,
 * its model, its slashes' appeals, its challenged results' keys; none for a kind it has none of).
 */
export async function readTaskEventRange (
  ctx: ReadContext,
  params: { taskId: bigint, fromBlock: bigint, toBlock: bigint, before: readonly ProtocolEvent[] }
): Promise<ProtocolEvent[]> {
  return await asAction('readTaskEventRange', async () => {
    const { taskId } = params
    const range = { fromBlock: params.fromBlock, toBlock: params.toBlock }
    if (range.fromBlock > range.toBlock) return []
    const own = await logsNaming(ctx, range, TASK_TOPICS, [uint256Topic(taskId)])
    const slashTransactions = new Set(own.filter((e) => isSlash(e.eventName)).map((e) => e.transactionHash))
    const limit = concurrencyLimit(RECEIPTS_AT_ONCE)
    const receipts = await Promise.all([...slashTransactions].map(async (hash) => await limit(async () => await ctx.publicClient.getTransactionReceipt({ hash }))))
    const beside = receipts.flatMap((r) => r.logs)
      .flatMap((log) => decodeProtocolLog(ctx.contracts, log) ?? [])
      .filter((e) => isBesideSlash(e.eventName))
    const links = taskLinksOf([...params.before, ...own, ...beside], taskId)
    const linked = (await Promise.all([
      logsNaming(ctx, range, VERSION_TOPICS, [...links.versions].map(uint256Topic)),
      logsNaming(ctx, range, MODEL_TOPICS, [...links.models].map(uint256Topic)),
      logsNaming(ctx, range, APPEAL_TOPICS, [...links.slashIds].map(uint256Topic)),
      logsNaming(ctx, range, CHALLENGE_TOPICS, [...links.challengedResults])
    ])).flat()
    return [...own, ...beside, ...linked].sort(byChainOrder).filter((e) => belongsToTask(e, taskId, links))
  })
}

/** Values in one topic's OR list: RPC providers cap a filter's size. */
const TOPIC_VALUES_AT_ONCE = 64
/** Receipts asked for at once: a first read of a task with many slashes stays under an RPC's rate limit. */
const RECEIPTS_AT_ONCE = 4

/** Event selectors by the topic (1 to 3) that holds the argument a read asks for. */
export type SelectorsByTopic = ReadonlyMap<number, readonly Hex[]>

/** The selectors of `events` by the topic their indexed argument `key` is (events without it indexed are left out). */
export function selectorsByTopic (events: readonly AbiEvent[], key: string): SelectorsByTopic {
  const byTopic = new Map<number, Hex[]>()
  for (const event of events) {
    const topic = event.inputs.filter((input) => input.indexed === true).findIndex((input) => input.name === key) + 1
    if (topic > 0) byTopic.set(topic, [...byTopic.get(topic) ?? [], toEventSelector(event)])
  }
  return byTopic
}

/** The events that name a task (every protocol event with a `taskId` indexes it; a test holds the contracts to that). */
export const TASK_TOPICS = selectorsByTopic(protocolEventAbis(), 'taskId')
/** The events that name a version and no task. */
export const VERSION_TOPICS = selectorsByTopic(protocolEventAbis().filter((event) => !event.inputs.some((input) => input.name === 'taskId')), 'versionId')
const MODEL_TOPICS = selectorsByTopic(protocolEventAbis(['HeadMoved']), 'modelId')
const APPEAL_TOPICS = selectorsByTopic(protocolEventAbis(APPEAL_ENDS), 'id')
const CHALLENGE_TOPICS = selectorsByTopic(protocolEventAbis(CHALLENGE_ENDS), 'resultKey')

function uint256Topic (value: bigint): Hex {
  return pad(numberToHex(value), { size: 32 })
}

/** Protocol events of `byTopic`'s selectors whose topic holds one of `values`. */
async function logsNaming (ctx: ReadContext, range: { fromBlock: bigint, toBlock: bigint }, byTopic: SelectorsByTopic, values: readonly Hex[]): Promise<ProtocolEvent[]> {
  const reads: Promise<ProtocolEvent[]>[] = []
  for (const [topic, selectors] of byTopic) {
    for (let i = 0; i < values.length; i += TOPIC_VALUES_AT_ONCE) {
      reads.push(logsMatching(ctx, range, [[...selectors], ...Array<null>(topic - 1).fill(null), values.slice(i, i + TOPIC_VALUES_AT_ONCE)]))
    }
  }
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
