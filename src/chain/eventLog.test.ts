import { describe, expect, it } from 'vitest'
import { useLocalChain } from '../../node/testing/useLocalChain.ts'
import { faucet, readProtocolEvents } from './actions/index.ts'
import { createProtocolEventLog } from './eventLog.ts'

const chain = useLocalChain()

describe('createProtocolEventLog', () => {
  it('reads each block once and gives the same events, in the same order, as a full scan', async () => {
    const ctx = chain().ctxOf(2)
    const scans: Array<{ fromBlock: unknown, toBlock: unknown }> = []
    const counting = {
      ...ctx,
      publicClient: new Proxy(ctx.publicClient, {
        get: (target, key, receiver) => key === 'getLogs'
          ? async (args: { fromBlock: unknown, toBlock: unknown }) => { scans.push({ fromBlock: args.fromBlock, toBlock: args.toBlock }); return await target.getLogs(args as never) }
          : Reflect.get(target, key, receiver)
      })
    }
    const log = createProtocolEventLog(counting)
    const first = [...await log.events()]
    await faucet(ctx)
    // two reads at once share one scan
    const [a, b] = await Promise.all([log.events(), log.events()])
    expect(a).toBe(b)
    expect(a.length).toBeGreaterThan(first.length)
    expect(a.map((e) => `${e.blockNumber}/${e.logIndex}`)).toEqual((await readProtocolEvents(ctx)).map((e) => `${e.blockNumber}/${e.logIndex}`))
    // every scan starts where the one before ended
    expect(scans[0]!.fromBlock).toBe(0n)
    for (let i = 1; i < scans.length; i++) expect(scans[i]!.fromBlock).toBe((scans[i - 1]!.toBlock as bigint) + 1n)
    expect(scans).toHaveLength(2)
  })
})
