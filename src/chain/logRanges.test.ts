import { createPublicClient, custom, numberToHex, RpcRequestError, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { isLogRangeRefusal, splitLogRanges } from './logRanges.ts'

const ADDRESS = '0x00000000000000000000000000000000000000aa'
const TOPIC = `0x${'11'.repeat(32)}` as Hex

/** A node with one log in each of blocks 0 to `head` that answers `eth_getLogs` over at most `maxBlocks` blocks, as some public RPCs do. */
function cappedNode (head: number, maxBlocks: number, refusal = 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range') {
  const asked: Array<{ method: string, from?: number, to?: number }> = []
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
    asked.push({ method, from, to })
    if (to - from + 1 > maxBlocks) refuse()
    return Array.from({ length: to - from + 1 }, (_, i) => ({
      address: ADDRESS, topics: [TOPIC], data: '0x', blockNumber: numberToHex(from + i), blockHash: `0x${'22'.repeat(32)}`,
      transactionHash: `0x${(from + i + 1).toString(16).padStart(64, '0')}`, transactionIndex: '0x0', logIndex: '0x0', removed: false
    }))
  }
  return { asked, client: createPublicClient({ transport: splitLogRanges(custom({ request }, { retryCount: 0 })) }) }
}

describe('splitLogRanges', () => {
  it('asks for a refused range in halves, keeps chain order, and asks later reads in parts of the width that worked', async () => {
    const { asked, client } = cappedNode(999, 300)
    const logs = await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })
    expect(logs.map((l) => l.blockNumber)).toEqual(Array.from({ length: 1000 }, (_, i) => BigInt(i)))
    // the whole range, then halves (500, refused), then quarters (250, answered)
    expect(asked.filter((a) => a.method === 'eth_getLogs').map((a) => a.to! - a.from! + 1)).toEqual([1000, 500, 250, 250, 500, 250, 250])
    asked.length = 0
    const again = await client.getLogs({ address: ADDRESS, fromBlock: 100n, toBlock: 999n })
    expect(again).toHaveLength(900)
    expect(asked.map((a) => a.to === undefined ? a.method : a.to - a.from! + 1)).toEqual([250, 250, 250, 150])
  })

  it('passes a range the node answers as it is, and any other error unchanged', async () => {
    const { asked, client } = cappedNode(99, 300)
    expect(await client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })).toHaveLength(100)
    expect(asked).toEqual([{ method: 'eth_getLogs', from: 0, to: 99 }])
    const { client: failing } = cappedNode(999, 300, 'execution reverted: rate limit')
    await expect(failing.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 'latest' })).rejects.toThrow(/rate limit/)
  })

  it('does not split a filter by block hash, and fails when even one block is too much', async () => {
    const { asked, client } = cappedNode(999, 0)
    await expect(client.getLogs({ address: ADDRESS, blockHash: `0x${'33'.repeat(32)}` })).rejects.toThrow(/2K block range/)
    expect(asked).toHaveLength(1)
    await expect(client.getLogs({ address: ADDRESS, fromBlock: 0n, toBlock: 3n })).rejects.toThrow(/2K block range/)
  })

  it('tells the nodes\' refusals of a range from other errors', () => {
    for (const message of [
      'query returned more than 10000 results. Try with this block range [0x1, 0x2].',
      'eth_getLogs is limited to a 10,000 range',
      'block range is too wide',
      'exceed maximum block range: 5000',
      'Log response size exceeded.'
    ]) expect(isLogRangeRefusal(new Error('RPC Request failed.', { cause: new Error(message) }))).toBe(true)
    for (const message of ['rate limit exceeded', 'execution reverted', 'header not found']) expect(isLogRangeRefusal(new Error(message))).toBe(false)
  })
})
