import { createPublicClient, custom, numberToHex, RpcRequestError, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { isLogRangeRefusal, splitLogRanges } from './logRanges.ts'

const ADDRESS = '0x00000000000000000000000000000000000000aa'
const TOPIC = `0x${'11'.repeat(32)}` as Hex

interface Asked { method: string, from?: number, to?: number, tag?: string }

/**
 * A node as public RPCs are: `eth_getLogs` over more than `maxBlocks` blocks, or answering more
 * than `maxLogs` logs, is refused with `message` (JSON-RPC `code`). It has a log in every block
 * that `hasLog` picks, up to `head`, which grows by `headStep` at each request.
 */
function cappedNode (opts: { head: number, maxBlocks: number, maxLogs?: number, hasLog?: (block: number) => boolean, headStep?: number, message?: string, code?: number, retryCount?: number, flaky?: number }) {
  const asked: Asked[] = []
  let head = opts.head
  let flaky = opts.flaky ?? 0
  const message = opts.message ?? 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range'
  const hasLog = opts.hasLog ?? (() => true)
  const request = async ({ method, params }: { method: string, params?: unknown }): Promise<unknown> => {
    head += opts.headStep ?? 0
    if (method === 'eth_getBlockByNumber') {
      asked.push({ method })
      return { number: numberToHex(head) }
    }
    if (method !== 'eth_getLogs') throw new Error(`unexpected ${method}`)
    const filter = (params as [{ fromBlock: string, toBlock: string, blockHash?: Hex }])[0]
    const refuse = (): never => { throw new RpcRequestError({ body: {}, url: 'http://node', error: { code: opts.code ?? -32602, message } }) }
    if (filter.blockHash !== undefined) {
      asked.push({ method })
      return refuse()
    }
    const block = (bound: string): number => (bound === 'latest' ? head : bound === 'earliest' ? 0 : Number(BigInt(bound)))
    const [from, to] = [block(filter.fromBlock), block(filter.toBlock)]
    asked.push({ method, from, to, ...(filter.toBlock.startsWith('0x') ? {} : { tag: filter.toBlock }) })
    if (flaky-- > 0) throw new RpcRequestError({ body: {}, url: 'http://node', error: { code: -32603, message: 'upstream timed out' } })
    if (to - from + 1 > opts.maxBlocks) refuse()
    const blocks = Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i).filter(hasLog)
    if (blocks.length > (opts.maxLogs ?? Infinity)) refuse()
    return blocks.map((n) => ({
      address: ADDRESS, topics: [TOPIC], data: '0x', blockNumber: numberToHex(n), blockHash: `0x${'22'.repeat(32)}`,
      transactionHash: `0x${(n + 1).toString(16).padStart(64, '0')}`, transactionIndex: '0x0', logIndex: '0x0', removed: false
    }))
  }
  return { asked, client: createPublicClient({ transport: splitLogRanges(custom({ request }, { retryCount: opts.retryCount ?? 0, retryDelay: 0 })) }) }
}

const widths = (asked: Asked[]): number[] => asked.filter((a) => a.method === 'eth_getLogs').map((a) => a.to! - a.from! + 1)
const blocks = (n: number): bigint[] => Array.from({ length: n }, (_, i) => BigInt(i))

describe('splitLogRanges', () => {
  it('asks for a refused range in parts the node answers, in chain order, and finds the node\'s cap in a few refusals', async () => {
    const { asked, client } = cappedNode({ head: 9_999, maxBlocks: 300 })
    const logs = await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    expect(logs.map((l) => l.blockNumber)).toEqual(blocks(10_000))
    const parts = widths(asked)
    expect(parts.filter((w) => w > 300).length).toBeLessThanOrEqual(12)
    // once found, the cap itself: parts of 300
    expect(parts.slice(-20, -1)).toEqual(Array(19).fill(300))
    // `latest` asked of the node once
    expect(asked.filter((a) => a.method === 'eth_getBlockByNumber')).toHaveLength(1)
  })

  it('keeps what it learned: a narrow read still goes out whole, a wide one whole once and then in parts at the cap', async () => {
    const { asked, client } = cappedNode({ head: 9_999, maxBlocks: 300 })
    await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 9_999n })
    asked.length = 0
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 9_998n, toBlock: 9_999n })).toHaveLength(2)
    expect(widths(asked)).toEqual([2])
    asked.length = 0
    // a narrow read in between does not narrow the parts of the next wide one
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 1_000n, toBlock: 4_999n })).toHaveLength(4_000)
    expect(widths(asked)).toEqual([4_000, ...Array(13).fill(300), 100])
  })

  it('asks a refusal again at once in parts, without the transport\'s retries, which other errors still get', async () => {
    const { asked, client } = cappedNode({ head: 999, maxBlocks: 500, code: -32005, message: 'query returned more than 10000 results', retryCount: 3 })
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 999n })).toHaveLength(1_000)
    expect(widths(asked)).toEqual([1_000, 500, 500])
    // another error first, then the refusal: split all the same
    const { asked: flaky, client: flakyNode } = cappedNode({ head: 999, maxBlocks: 500, flaky: 1 })
    expect(await flakyNode.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 999n })).toHaveLength(1_000)
    expect(widths(flaky)).toEqual([1_000, 1_000, 500, 500])
    const { asked: failed, client: failing } = cappedNode({ head: 999, maxBlocks: 0, code: -32005, message: 'limit exceeded', retryCount: 3 })
    await expect(failing.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 999n })).rejects.toThrow('limit exceeded')
    // once as it is, then once with the transport's three retries: never split
    expect(widths(failed)).toEqual(Array(5).fill(1_000))
  })

  it('reads six million blocks through a node that answers two thousand at a time', async () => {
    const { asked, client } = cappedNode({ head: 5_999_999, maxBlocks: 2_000, hasLog: (n) => n % 100_000 === 0 })
    const logs = await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    expect(logs.map((l) => l.blockNumber)).toEqual(Array.from({ length: 60 }, (_, i) => BigInt(i * 100_000)))
    expect(widths(asked).length).toBeLessThan(3_020)
  })

  it('asks the last part with the caller\'s tag, and with its number when the chain grew past the cap since', async () => {
    const { asked, client } = cappedNode({ head: 999, maxBlocks: 300 })
    await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    expect(asked.filter((a) => a.method === 'eth_getLogs').at(-1)!.tag).toBe('latest')
    // a fast chain: 600 blocks a request, so a tagged last part spans more than the cap
    const { asked: fast, client: growing } = cappedNode({ head: 999, maxBlocks: 1_000, headStep: 600 })
    const logs = await growing.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    expect(logs.length).toBeGreaterThan(1_000)
    expect(logs.map((l) => l.blockNumber)).toEqual(blocks(logs.length))
    expect(fast.filter((a) => a.tag === 'latest').length).toBeGreaterThan(1)
    // the tagged refusal did not narrow what the transport learned: the next read goes in parts near the cap
    fast.length = 0
    await growing.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 9_999n })
    const parts = widths(fast).slice(1)
    expect(parts.every((w) => w >= 500)).toBe(true)
    // (had the tagged part's planned 825 blocks been taken for the cap, none would pass 824)
    expect(Math.max(...parts.filter((w) => w <= 1_000))).toBeGreaterThan(900)
  })

  it('under a cap on logs, never asks a part as wide as the narrowest range refused once it was', async () => {
    // sparse at first, then a dense stretch: parts that passed before are refused there
    const { asked, client } = cappedNode({ head: 19_999, maxBlocks: 100_000, maxLogs: 100, hasLog: (n) => n >= 10_000 || n % 10 === 0 })
    const logs = await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 19_999n })
    expect(logs).toHaveLength(1_000 + 10_000)
    let narrowest = Infinity
    for (const [i, w] of widths(asked).entries()) {
      if (i > 0) expect(w).toBeLessThan(narrowest)
      const a = asked.filter((x) => x.method === 'eth_getLogs')[i]!
      const count = Array.from({ length: w }, (_, k) => a.from! + k).filter((n) => n >= 10_000 || n % 10 === 0).length
      if (count > 100) narrowest = Math.min(narrowest, w)
    }
    // and the next read starts under it too: what was answered wider than a later refusal is not kept
    asked.length = 0
    await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 19_999n })
    expect(widths(asked).slice(1).every((w) => w < narrowest)).toBe(true)
  })

  it('passes a range the node answers as it is, and an error about something else unchanged', async () => {
    const { asked, client } = cappedNode({ head: 99, maxBlocks: 300 })
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })).toHaveLength(100)
    expect(asked).toEqual([{ method: 'eth_getLogs', from: 0, to: 99, tag: 'latest' }])
    for (const message of ['execution reverted: rate limit', 'block range extends beyond current head block']) {
      const { asked: tried, client: failing } = cappedNode({ head: 999, maxBlocks: 300, message })
      await expect(failing.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })).rejects.toThrow(message)
      expect(widths(tried)).toEqual([1000, 1000])
    }
  })

  it('does not split a filter by block hash, fails when even one block is too much, and gives up past its request limit naming the cap', async () => {
    const { asked, client } = cappedNode({ head: 999, maxBlocks: 0 })
    await expect(client.getLogs({ address: ADDRESS, blockHash: `0x${'33'.repeat(32)}` })).rejects.toThrow(/2K block range/)
    expect(asked).toHaveLength(1)
    await expect(client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 3n })).rejects.toThrow(/2K block range/)
    const { asked: many, client: tiny } = cappedNode({ head: 99_999, maxBlocks: 5 })
    await expect(tiny.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 99_999n })).rejects.toThrow(/more than 5000 requests: the node refuses ranges of \d+ blocks/)
    expect(widths(many).length).toBeLessThan(100)
  })

  it('tells the nodes\' refusals of a range from other errors', () => {
    for (const message of [
      'query returned more than 10000 results. Try with this block range [0x1, 0x2].',
      'eth_getLogs is limited to a 10,000 range',
      'eth_getLogs and eth_newFilter are limited to a 10,000 blocks range',
      'query exceeds max results 20000, retry with the range 1-2',
      'backend response too large',
      'logs matched by query exceeds limit of 10000',
      'please limit your query to at most 1000 blocks',
      'block range is too wide',
      'exceed maximum block range: 5000',
      'Log response size exceeded.'
    ]) expect(isLogRangeRefusal(new Error('RPC Request failed.', { cause: new Error(message) })), message).toBe(true)
    const tooLarge = Object.assign(new Error('HTTP response body exceeded the size limit.'), { name: 'ResponseBodyTooLargeError' })
    expect(isLogRangeRefusal(tooLarge)).toBe(true)
    for (const message of ['rate limit exceeded', 'limit exceeded', 'Too Many Requests', 'execution reverted', 'block range extends beyond current head block', 'invalid block range params']) {
      expect(isLogRangeRefusal(new Error(message)), message).toBe(false)
    }
  })
})
