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
    // the first scan starts where the contracts were deployed, and every other where the one before ended
    expect(ctx.deploymentBlock).toBeGreaterThan(0n)
    expect(scans[0]!.fromBlock).toBe(ctx.deploymentBlock)
    for (let i = 1; i < scans.length; i++) expect(scans[i]!.fromBlock).toBe((scans[i - 1]!.toBlock as bigint) + 1n)
    expect(scans).toHaveLength(2)
  })

  it('with names, reads and keeps only those events, as a full scan has them', async () => {
    const ctx = chain().ctxOf(4)
    const names = ['FaucetDrip'] as const
    const log = createProtocolEventLog(ctx, { names })
    await faucet(ctx)
    const kept = await log.events()
    const all = await readProtocolEvents(ctx)
    expect(all.some((e) => !(names as readonly string[]).includes(e.eventName))).toBe(true)
    expect(kept.map((e) => `${e.blockNumber}/${e.logIndex}`)).toEqual(all.filter((e) => (names as readonly string[]).includes(e.eventName)).map((e) => `${e.blockNumber}/${e.logIndex}`))
    expect(kept.length).toBeGreaterThan(0)
  })

  it('attack (reorganized chain): drops the events of blocks the chain no longer has, and reads those of the blocks that replaced them', async () => {
    const { ctxOf, testClient } = chain()
    const ctx = ctxOf(3)
    const log = createProtocolEventLog(ctx)
    await log.events()
    await faucet(ctx)
    const withFaucet = [...await log.events()]
    const faucetBlock = withFaucet.at(-1)!.blockNumber
    // the faucet's block is replaced by an empty one at the same height
    await testClient.request({ method: 'anvil_reorg', params: [1, []] } as never)
    const after = await log.events()
    const fresh = await readProtocolEvents(ctx)
    expect(fresh.some((e) => e.blockNumber === faucetBlock)).toBe(false)
    expect(after.map((e) => `${e.blockNumber}/${e.logIndex}/${e.transactionHash}`)).toEqual(fresh.map((e) => `${e.blockNumber}/${e.logIndex}/${e.transactionHash}`))
    expect(after.length).toBeLessThan(withFaucet.length)
    // and it goes on growing from the new head
    await faucet(ctx)
    expect((await log.events()).length).toBe((await readProtocolEvents(ctx)).length)
  })
})
