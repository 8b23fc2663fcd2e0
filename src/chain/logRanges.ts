/**
 * Public RPC nodes cap `eth_getLogs`: a range of blocks (Alchemy 2,000 on some plans, QuickNode
 * 10,000, many L2 endpoints fewer) or a number of logs or bytes in the answer (Infura 10,000 logs,
 * OP's proxyd a response size). A read that spans a long chain then fails outright, though the
 * node would answer each part of it. `splitLogRanges` wraps a transport so that a refused
 * `eth_getLogs` is asked again in parts: halved while the node refuses, widened again after each
 * answer, never as wide as the narrowest range it refused (for the transport's life), so the
 * parts settle at the node's cap. A node that caps nothing costs nothing: every read goes out
 * whole first. Everything else passes through, and so does any other error (after viem's usual
 * retries): a refusal is told by the node's message.
 */
import { numberToHex, type EIP1193RequestFn, type Hex, type RpcLog, type Transport } from 'viem'

/** What the nodes say when a filter spans too many blocks, or its answer holds too many logs or bytes. */
const RANGE_REFUSAL = /blocks? range|range of blocks|range is too|range too|too wide|max(imum)? range|limited to (a )?[\d,]+ (blocks? )?range|more than [\d,]+ (results|logs)|exceeds? max(imum)? results|exceeds? (the )?limit of|response size|response (is |body )?too (large|big)|limit your query|too many (logs|results|blocks)/i
/** Messages that mention a block range but are not about its width: a bound past a lagging backend's head, bounds in the wrong order. */
const NOT_WIDTH = /beyond (the )?(current )?head|invalid block range params|fromBlock .*(greater|after)|header not found/i
/** A refused read that would take more requests than this fails instead, naming the widths the node refused and answered. */
export const MAX_LOG_PARTS = 5_000

/** Whether `error` (or one of its causes) is a node's refusal of a filter's range or of its answer's size. */
export function isLogRangeRefusal (error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 8; e = e.cause, depth++) {
    // viem's own refusal of an answer over its size limit (10 MiB)
    if (e.name === 'ResponseBodyTooLargeError') return true
    const details = (e as { details?: unknown }).details
    for (const text of [e.message, typeof details === 'string' ? details : '']) {
      if (NOT_WIDTH.test(text)) return false
      if (RANGE_REFUSAL.test(text)) return true
    }
  }
  return false
}

type LogFilter = { fromBlock?: string, toBlock?: string, blockHash?: Hex } & Record<string, unknown>
type Ask = (filter: LogFilter, retries: boolean) => Promise<RpcLog[]>

/** What a transport learned of its node's cap, shared by every read through it. */
interface Cap {
  /** the narrowest range (in blocks) the node refused; undefined while it refused none */
  refused?: bigint
  /** the widest range it answered narrower than that (0 while none) */
  answered: bigint
}

/**
 * `transport`, its `eth_getLogs` asked in parts where the node refuses the whole. Every read is
 * tried whole first (a node that caps the logs in an answer, not the blocks, answers a sparse
 * filter over a range it refused for a dense one); what was learned sizes the parts of a refused one.
 */
export function splitLogRanges (transport: Transport): Transport {
  return (params) => {
    const inner = transport(params)
    const cap: Cap = { answered: 0n }
    const request = (async (args: { method: string, params?: unknown }, options?: Record<string, unknown>) => {
      if (args.method !== 'eth_getLogs') return await inner.request(args as never, options as never)
      // a refusal is asked again at once in parts; only another error gets viem's retries
      const ask: Ask = async (filter, retries) => await inner.request({ method: 'eth_getLogs', params: [filter] } as never, (retries ? options : { ...options, retryCount: 0 }) as never) as RpcLog[]
      const filter = (args.params as [LogFilter])[0]
      if (filter.blockHash !== undefined) return await ask(filter, true)
      const answer = await attempt(ask, filter)
      if (!isRefusal(answer)) return answer
      const bounds = boundsOf(filter, async (tag) => await blockOf(inner.request as Request, tag, options))
      return await inParts(ask, filter, await bounds.from(), await bounds.to(), cap, answer.refusal)
    }) as EIP1193RequestFn
    return { ...inner, request }
  }
}

type Request = (args: { method: string, params: unknown[] }, options?: unknown) => Promise<unknown>

/** A node's refusal of a range, with its error. */
interface Refusal { refusal: unknown }
const isRefusal = (answer: RpcLog[] | Refusal): answer is Refusal => !Array.isArray(answer)

/** The filter asked once without retries, then (unless the node refused its range) once with them. */
async function attempt (ask: Ask, filter: LogFilter): Promise<RpcLog[] | Refusal> {
  try {
    return await ask(filter, false)
  } catch (error) {
    if (isLogRangeRefusal(error)) return { refusal: error }
  }
  try {
    return await ask(filter, true)
  } catch (error) {
    if (isLogRangeRefusal(error)) return { refusal: error }
    throw error
  }
}

/** Records a refusal of `blocks`, keeping what was answered narrower than it. */
function refusedAt (cap: Cap, blocks: bigint): bigint {
  const refused = cap.refused === undefined || blocks < cap.refused ? blocks : cap.refused
  cap.refused = refused
  if (cap.answered >= refused) cap.answered = refused - 1n
  return refused
}

/** The next part's width: wider, but not past halfway from what was answered to the narrowest refusal. */
function widened (cap: Cap, size: bigint, refused: bigint): bigint {
  return max(1n, min(min(size * 2n, (cap.answered + refused) / 2n), refused - 1n))
}

/**
 * The logs of `filter` from block `from` to `to`, whose whole range the node refused: in parts
 * of the width the node answered (half the refused range at first), halved on a refusal and
 * widened after an answer. The last part keeps the caller's tag (`latest`): a backend behind the
 * one that said which block is the latest would refuse that number as past its head. A tagged
 * part refused is asked again with its number, without counting against the cap (the node read
 * the tag, so its width is not known).
 */
async function inParts (ask: Ask, filter: LogFilter, from: bigint, to: bigint, cap: Cap, refusal: unknown): Promise<RpcLog[]> {
  const span = to - from + 1n
  if (span < 1n) return await ask(filter, true)
  if (span === 1n) throw refusal
  // a tagged bound was read by the node when it refused: that width is not known, so not learned
  let refused = isTag(filter.fromBlock) || isTag(filter.toBlock) ? min(cap.refused ?? span, span) : refusedAt(cap, span)
  let requests = 0
  /** fails now when even parts as wide as the node may answer would need more requests than are left */
  const withinLimit = (start: bigint): void => {
    const widest = refused - 1n
    if (widest > 0n && (to - start + widest) / widest <= BigInt(MAX_LOG_PARTS - requests)) return
    throw new Error(`eth_getLogs over ${span} blocks needs more than ${MAX_LOG_PARTS} requests: the node refuses ranges of ${refused} blocks (it answered ${cap.answered}); narrow the read (a later fromBlock) or use an RPC with a wider cap`)
  }
  withinLimit(from)
  let size = max(1n, cap.answered > 0n ? cap.answered : refused / 2n)
  let tagged = isTag(filter.toBlock)
  const logs: RpcLog[] = []
  for (let start = from; start <= to;) {
    requests++
    const end = min(start + size - 1n, to)
    const last = end === to && tagged
    const answer = await attempt(ask, { ...filter, fromBlock: numberToHex(start), toBlock: last ? filter.toBlock : numberToHex(end) })
    const width = end - start + 1n
    if (isRefusal(answer)) {
      if (last) tagged = false
      else if (width === 1n) throw answer.refusal
      else {
        refused = refusedAt(cap, width)
        size = max(1n, min(width / 2n, refused - 1n))
        withinLimit(start)
      }
      continue
    }
    for (const log of answer) logs.push(log)
    refused = cap.refused ?? refused
    if (width < refused && width > cap.answered) cap.answered = width
    start = end + 1n
    size = widened(cap, size, refused)
  }
  return logs
}

/** The filter's bounds as block numbers, each tag asked of the node once and only when needed. */
function boundsOf (filter: LogFilter, tagOf: (tag: string) => Promise<bigint>): { from: () => Promise<bigint>, to: () => Promise<bigint> } {
  const known = new Map<string, Promise<bigint>>()
  const number = async (bound: string | undefined): Promise<bigint> => {
    const tag = bound ?? 'latest'
    if (!isTag(tag)) return BigInt(tag)
    if (tag === 'earliest') return 0n
    let block = known.get(tag)
    if (block === undefined) known.set(tag, block = tagOf(tag))
    return await block
  }
  return { from: async () => await number(filter.fromBlock), to: async () => await number(filter.toBlock) }
}

function isTag (bound: string | undefined): boolean {
  return bound === undefined || !bound.startsWith('0x')
}

/** The number of the node's block of `tag` (`latest`, `safe`, `finalized`; `pending` as `latest`). */
async function blockOf (request: Request, tag: string, options: unknown): Promise<bigint> {
  const block = await request({ method: 'eth_getBlockByNumber', params: [tag === 'pending' ? 'latest' : tag, false] }, options) as { number: Hex | null } | null
  if (block?.number == null) throw new Error(`the node has no ${tag} block`)
  return BigInt(block.number)
}

const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)
const max = (a: bigint, b: bigint): bigint => (a > b ? a : b)
