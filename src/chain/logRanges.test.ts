import { createPublicClient, custom, numberToHex, RpcRequestError, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { isLogRangeRefusal, splitLogRanges } from './logRanges.ts'

const ADDRESS = '0x00000000000000000000000000000000000000aa'
const TOPIC = `0x${'11'.repeat(32)}` as Hex

/** A node with one log in each of blocks 0 to `head` that answers `eth_getLogs` over at most `maxBlocks` blocks, as some public RPCs do. */
function cappedNode (head: number, maxBlocks: number, refusal = 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range') {
  const asked: Array<{ method: string, from?: number, to?: number, tag?: string }> = []
  const request = async ({ method, params }: { method: string, params?: unknown }): Promise<unknown> => {
    if (method === 'eth_getBlockByNumber') {
      asked.push({ method })
      return { number: numberToHex(head) }
    }
    if (method !== 'eth_getLogs') throw new Error(`unexpected ${method}`)
    const filter = (params as [{ fromBlock: string, toBlock: string, blockHash?: Hex }])[0]
    const refuse = (): never => { throw new RpcRequestError({ body: {}, url: 'http://node', error: { code: -32602, message: refusal } }) }
    if (filter.blockHash !== undefined) {
      asked.push({ method })
      return refuse()
    }
    const block = (bound: string): number => (bound === 'latest' ? head : bound === 'earliest' ? 0 : Number(BigInt(bound)))
    const [from, to] = [block(filter.fromBlock), block(filter.toBlock)]
    asked.push({ method, from, to, ...(filter.toBlock.startsWith('0x') ? {} : { tag: filter.toBlock }) })
    if (to - from + 1 > maxBlocks) refuse()
    return Array.from({ length: to - from + 1 }, (_, i) => ({
      address: ADDRESS, topics: [TOPIC], data: '0x', blockNumber: numberToHex(from + i), blockHash: `0x${'22'.repeat(32)}`,
      transactionHash: `0x${(from + i + 1).toString(16).padStart(64, '0')}`, transactionIndex: '0x0', logIndex: '0x0', removed: false
    }))
  }
  return { asked, client: createPublicClient({ transport: splitLogRanges(custom({ request }, { retryCount: 0 })) }) }
}

const widths = (asked: Array<{ method: string, from?: number, to?: number, tag?: string }>): number[] => asked.filter((a) => a.method === 'eth_getLogs').map((a) => a.to! - a.from! + 1)

describe('splitLogRanges', () => {
  it('asks for a refused range in parts the node answers, in chain order, and finds the node\'s cap in a few refusals', async () => {
    const { asked, client } = cappedNode(9_999, 300)
    const logs = await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    expect(logs.map((l) => l.blockNumber)).toEqual(Array.from({ length: 10_000 }, (_, i) => BigInt(i)))
    const first = widths(asked)
    expect(first.filter((w) => w > 300).length).toBeLessThanOrEqual(12)
    expect(first.length).toBeLessThan(2 * 10_000 / 300)
    // the parts after the first refusals are close to the cap
    expect(first.slice(-20).every((w, i, all) => w <= 300 && (w >= 200 || i === all.length - 1))).toBe(true)
  })

  it('keeps what it learned: a narrow read goes out as it is, a wide one in parts under the cap', async () => {
    const { asked, client } = cappedNode(9_999, 300)
    await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 9_999n })
    asked.length = 0
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 9_998n, toBlock: 9_999n })).toHaveLength(2)
    expect(widths(asked)).toEqual([2])
    asked.length = 0
    // a narrow read in between does not narrow the parts of the next wide one
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 1_000n, toBlock: 4_999n })).toHaveLength(4_000)
    const parts = widths(asked)
    expect(parts.every((w) => w <= 300)).toBe(true)
    expect(parts.length).toBeLessThanOrEqual(Math.ceil(4_000 / 200) + 3)
  })

  it('asks the last part with the caller\'s tag, so a backend behind the one that named the latest block does not refuse it', async () => {
    const { asked, client } = cappedNode(999, 300)
    await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    const last = asked.filter((a) => a.method === 'eth_getLogs').at(-1)!
    expect(last.tag).toBe('latest')
  })

  it('passes a range the node answers as it is, and any other error unchanged', async () => {
    const { asked, client } = cappedNode(99, 300)
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })).toHaveLength(100)
    expect(asked).toEqual([{ method: 'eth_getLogs', from: 0, to: 99, tag: 'latest' }])
    for (const message of ['execution reverted: rate limit', 'block range extends beyond current head block']) {
      const { asked: tried, client: failing } = cappedNode(999, 300, message)
      await expect(failing.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })).rejects.toThrow(message)
      // once as it is, then once more with the transport's retries (none here): never split
      expect(widths(tried)).toEqual([1000, 1000])
    }
  })

  it('does not split a filter by block hash, fails when even one block is too much, and gives up past its part limit naming the cap', async () => {
    const { asked, client } = cappedNode(999, 0)
    await expect(client.getLogs({ address: ADDRESS, blockHash: `0x${'33'.repeat(32)}` })).rejects.toThrow(/2K block range/)
    expect(asked).toHaveLength(1)
    await expect(client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 3n })).rejects.toThrow(/2K block range/)
    const { asked: many, client: tiny } = cappedNode(99_999, 5)
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
    for (const message of ['rate limit exceeded', 'limit exceeded', 'Too Many Requests', 'execution reverted', 'header not found', 'block range extends beyond current head block', 'invalid block range params']) {
      expect(isLogRangeRefusal(new Error(message)), message).toBe(false)
    }
  })
})
