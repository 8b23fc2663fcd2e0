import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { defineTask } from '../core/taskDefinition.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { memoryArtifactStore } from './artifacts.ts'
import { ProviderLoop } from './providerLoop.ts'
import { MemoryStateStore } from './state.ts'
import { mnistTaskData } from './taskData.ts'
import type { Clock, ProviderChain, Trainer } from './types.ts'

const ME: Address = '0x00000000000000000000000000000000000000aa'

/** A joined provider waiting for the joining window, on a chain where nothing else happens. */
function waitingLoop (joinDeadline: bigint): { loop: ProviderLoop, reads: () => number, sleeps: number[] } {
  let reads = 0
  const sleeps: number[] = []
  const chain = {
    account: ME,
    now: async () => 100n,
    readTask: async () => { reads++; return { status: 'Joining', joinDeadline, shards: 1, confirmations: 1, aggregateWindow: 600, challengeWindow: 600, modelId: 1n } },
    membership: async () => 'provider',
    isAway: async () => false
  } as unknown as ProviderChain
  // The clock never lets time pass: only a wake-up (or the stop) ends a sleep.
  const clock: Clock = {
    now: () => 0,
    sleep: async (ms, signal) => await new Promise<void>((_resolve, reject) => {
      sleeps.push(ms)
      signal?.addEventListener('abort', () => { reject(signal.reason) }, { once: true })
    })
  }
  const loop = new ProviderLoop({
    taskId: 1n,
    task: defineTask(parseTaskSpec({ model: { template: 'mlp', inputShape: [4], classes: 2, hidden: [2] }, seed: 1 })),
    data: mnistTaskData(),
    chain,
    artifacts: memoryArtifactStore(),
    trainer: {} as Trainer,
    state: new MemoryStateStore(),
    clock,
    pollIntervalMs: 60_000
  })
  return { loop, reads: () => reads, sleeps }
}

const settle = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 20)) }

describe('waking the provider loop', () => {
  it('ticks at once when woken, instead of waiting for the poll', async () => {
    const { loop, reads, sleeps } = waitingLoop(10_000n)
    const stop = new AbortController()
    const running = loop.run(stop.signal).catch(() => 'stopped')
    await settle()
    expect(reads()).toBe(1)
    expect(sleeps).toEqual([60_000])
    loop.wake()
    await settle()
    expect(reads()).toBe(2)
    stop.abort()
    expect(await running).toBe('stopped')
  })

  it('sleeps only until the next window on chain closes', async () => {
    // The joining window closes one chain second from now: the loop looks again just after it.
    const { loop, sleeps } = waitingLoop(101n)
    const stop = new AbortController()
    const running = loop.run(stop.signal).catch(() => 'stopped')
    await settle()
    expect(sleeps[0]).toBeGreaterThan(1000)
    expect(sleeps[0]).toBeLessThan(3000)
    stop.abort()
    await running
  })
})
