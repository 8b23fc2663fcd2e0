/**
 * Public RPC nodes cap `eth_getLogs`: a range of blocks (Alchemy 2,000 on some plans, QuickNode
 * 10,000, many L2 endpoints fewer) or a number of logs (Infura 10,000). A read that spans a long
 * chain then fails outright, though the node would answer each part of it. `splitLogRanges` wraps
 * a transport so that a refused `eth_getLogs` is asked again in halves, down to single blocks, and
 * later reads of a wider range go out in parts of the width that last worked. Everything else
 * passes through as it is, and so does any other error: a refusal is told by its message only.
 */
import { numberToHex, type EIP1193RequestFn, type Hex, type RpcLog, type Transport } from 'viem'

/** What the nodes say when a filter spans too much (the message, or a cause's, matches). */
const RANGE_REFUSAL = /block range|range of blocks|range is too|range too|too wide|max(imum)? range|limited to (a )?[\d,]+ (block )?range|more than [\d,]+ (results|logs)|response size|too many (logs|results|blocks)/i

/** Whether `error` (or one of its causes) is a node's refusal of a filter's range or result count. */
export function isLogRangeRefusal (error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    const details = (e as { details?: unknown }).details
    if (RANGE_REFUSAL.test(e.message) || (typeof details === 'string' && RANGE_REFUSAL.test(details))) return true
  }
  return false
}

type LogFilter = { fromBlock?: Hex | string, toBlock?: Hex | string, blockHash?: Hex } & Record<string, unknown>
type Request = (method: string, params: unknown[]) => Promise<unknown>

/** `transport`, its `eth_getLogs` split in parts the node accepts. */
export function splitLogRanges (transport: Transport): Transport {
  return (params) => {
    const inner = transport(params)
    const ask: Request = async (method, args) => await inner.request({ method, params: args } as never)
    /** the widest range (in blocks) that worked after a refusal; undefined until a node refused one */
    let width: bigint | undefined
    const request = (async (args: { method: string, params?: unknown }, options?: unknown) => {
      if (args.method !== 'eth_getLogs') return await inner.request(args as never, options as never)
      const filter = (args.params as [LogFilter])[0]
      if (width === undefined || filter.blockHash !== undefined) {
        try {
          return await inner.request(args as never, options as never)
        } catch (error) {
          if (filter.blockHash !== undefined || !isLogRangeRefusal(error)) throw error
        }
      }
      const [from, to] = await Promise.all([blockOf(ask, filter.fromBlock ?? 'latest'), blockOf(ask, filter.toBlock ?? 'latest')])
      const logs: RpcLog[] = []
      // in parts of the width that last worked (halves of the refused range at first), each
      // halved again while the node refuses it
      const part = width ?? (to - from + 2n) / 2n
      for (let start = from; start <= to; start += part) {
        const end = start + part - 1n < to ? start + part - 1n : to
        logs.push(...await inHalves(ask, filter, start, end, (blocks) => { width = blocks }))
      }
      return logs
    }) as EIP1193RequestFn
    return { ...inner, request }
  }
}

/** The logs of `filter` from `from` to `to`, asked in halves while the node refuses the range. */
async function inHalves (ask: Request, filter: LogFilter, from: bigint, to: bigint, worked: (blocks: bigint) => void): Promise<RpcLog[]> {
  try {
    const logs = await ask('eth_getLogs', [{ ...filter, fromBlock: numberToHex(from), toBlock: numberToHex(to) }]) as RpcLog[]
    worked(to - from + 1n)
    return logs
  } catch (error) {
    if (from >= to || !isLogRangeRefusal(error)) throw error
    const middle = from + (to - from) / 2n
    return [...await inHalves(ask, filter, from, middle, worked), ...await inHalves(ask, filter, middle + 1n, to, worked)]
  }
}

/** A filter bound's block number: hex as given, `earliest` 0, any other tag the node's block of it. */
async function blockOf (ask: Request, bound: string): Promise<bigint> {
  if (bound.startsWith('0x')) return BigInt(bound)
  if (bound === 'earliest') return 0n
  const block = await ask('eth_getBlockByNumber', [bound, false]) as { number: Hex } | null
  if (block === null) throw new Error(`the node has no ${bound} block`)
  return BigInt(block.number)
}
