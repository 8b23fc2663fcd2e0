import { describe, expect, it } from 'vitest'
import { keccak256, toHex } from 'viem'
import { runPlaceholderTask } from '../../node/testing/placeholderRound.ts'
import { placeholderCid } from '../../node/testing/placeholderTask.ts'
import { useLocalChain } from '../../node/testing/useLocalChain.ts'
import { faucet, readProtocolEvents, selectTaskEvents } from './actions/index.ts'
import { createProtocolEventLog, createTaskEventLog, type ProtocolEventLog } from './eventLog.ts'
import type { ProtocolEvent } from './protocolEvents.ts'

const chain = useLocalChain()

/**
 * Replaces the blocks from `from` to the head with empty ones. anvil mines an empty block every
 * second, and one mined between reading the head and the reorg would be the one replaced, so the
 * reorg goes again until `from` itself is empty.
 */
async function reorgFrom (from: bigint): Promise<void> {
  const { testClient, publicClient } = chain()
  for (let attempt = 0; attempt < 5; attempt++) {
    const head = await publicClient.getBlockNumber({ cacheTime: 0 })
    await testClient.request({ method: 'anvil_reorg', params: [Number(head - from + 1n), []] } as never)
    if ((await publicClient.getBlock({ blockNumber: from })).transactions.length === 0) return
  }
  throw new Error(`block ${from} still holds transactions after 5 reorgs`)
}

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
    const ctx = chain().ctxOf(3)
    const log = createProtocolEventLog(ctx)
    await log.events()
    await faucet(ctx)
    const withFaucet = [...await log.events()]
    const faucetBlock = withFaucet.at(-1)!.blockNumber
    // the faucet's block is replaced by an empty one at the same height
    await reorgFrom(faucetBlock)
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

describe('createTaskEventLog', () => {
  it('attack (reorganized chain): drops the task\'s events that the chain no longer has, those only its version names included, as a full scan selects them', async () => {
    const { ctxOf } = chain()
    const ctx = ctxOf(5)
    const keys = (events: readonly ProtocolEvent[]): string[] => events.map((e) => `${e.blockNumber}/${e.logIndex}/${e.eventName}`)
    const selected = async (taskId: bigint): Promise<string[]> => keys(selectTaskEvents(await readProtocolEvents(ctx), taskId))
    // the log reads as the task runs: before each round's proposal
    let log: ProtocolEventLog | undefined
    const run = await runPlaceholderTask(chain(), ctx, ctxOf(6), {
      rounds: 2,
      version: async (round, taskId) => {
        log ??= createTaskEventLog(ctx, taskId)
        expect(keys(await log.events())).toEqual(await selected(taskId))
        return { modelCid: placeholderCid(`model-${round + 1}`), commitHash: keccak256(toHex(`weights-${round + 1}`)) }
      }
    })
    const whole = await log!.events()
    expect(keys(whole)).toEqual(await selected(run.taskId))
    // the last version's finalization (and the task's end, and the claim) replaced by empty blocks
    const final = whole.find((e) => e.eventName === 'VersionFinalized' && e.args.versionId === run.versionId)!
    await reorgFrom(final.blockNumber)
    const after = await log!.events()
    expect(keys(after)).toEqual(await selected(run.taskId))
    expect(after.some((e) => e.eventName === 'VersionFinalized' && e.args.versionId === run.versionId)).toBe(false)
    expect(after.some((e) => e.eventName === 'VersionProposed' && e.args.versionId === run.versionId)).toBe(true)
    expect(after.filter((e) => e.eventName === 'HeadMoved')).toHaveLength(1)
  }, 60_000)
})
