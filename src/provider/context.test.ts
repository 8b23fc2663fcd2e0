import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { Emitter } from '../core/events.ts'
import { MODEL_CACHE, ProviderContext, StepTimeoutError, type ProviderDeps } from './context.ts'
import { emptyState, MemoryStateStore, systemClock } from './state.ts'
import type { ArtifactStore, ProviderEvents } from './types.ts'

const ME = '0x00000000000000000000000000000000000000a1' as Address

/** An artifact store whose gets hang until their signal aborts (a holder that went away mid-transfer). */
const hanging: ArtifactStore = {
  put: async () => '0x01' as Hex,
  get: async (_cid, _kind, options) => await new Promise((_resolve, reject) => {
    options?.signal?.addEventListener('abort', () => { reject(options.signal?.reason) }, { once: true })
  })
}

function contextWith (timeouts: { stepTimeoutMs: number, transferTimeoutMs: number }): ProviderContext {
  const chain = { account: ME, readVersion: async () => ({ modelCid: '0x01cc' as Hex, commitHash: '0x00' as Hex }) }
  const deps = { chain, artifacts: hanging, clock: systemClock, ...timeouts, state: new MemoryStateStore(), taskId: 1n, pipeline: true } as unknown as ProviderDeps
  return new ProviderContext(deps, new Emitter<ProviderEvents>(), emptyState(1n, ME), 'key')
}

describe('transfers', () => {
  it('a delta or version fetch that hangs fails after the transfer deadline, not the step\'s', async () => {
    const ctx = contextWith({ stepTimeoutMs: 60_000, transferTimeoutMs: 50 })
    const started = Date.now()
    await expect(ctx.deltaOf('0x01aa')).rejects.toBeInstanceOf(StepTimeoutError)
    await expect(ctx.modelOf(1n)).rejects.toBeInstanceOf(StepTimeoutError)
    expect(Date.now() - started).toBeLessThan(5_000)
  })
})

describe('memory over many rounds', () => {
  /** A context whose artifact store counts the version blobs it is asked for. */
  function counting (): { ctx: ProviderContext, gets: string[] } {
    const gets: string[] = []
    const store: ArtifactStore = { put: async () => '0x01' as Hex, get: async (cid) => { gets.push(cid); return new Uint8Array([1]) } }
    const deps = { chain: { account: ME }, artifacts: store, clock: systemClock, stepTimeoutMs: 60_000, transferTimeoutMs: 60_000, state: new MemoryStateStore(), taskId: 1n, pipeline: true } as unknown as ProviderDeps
    return { ctx: new ProviderContext(deps, new Emitter<ProviderEvents>(), emptyState(1n, ME), 'key'), gets }
  }
  const cid = (i: number): Hex => `0x01${i.toString(16).padStart(4, '0')}`

  it('keeps the most recently used version blobs only, not one per round', async () => {
    const { ctx, gets } = counting()
    for (let round = 0; round < 50; round++) ctx.keepModel(cid(round), new Uint8Array(8))
    // the latest MODEL_CACHE rounds are served from memory, an older one is fetched again
    for (let round = 50 - MODEL_CACHE; round < 50; round++) await ctx.modelAt(cid(round))
    expect(gets).toEqual([])
    await ctx.modelAt(cid(0))
    expect(gets).toEqual([cid(0)])
    // a read makes a blob recent: reading the parent again and again keeps it
    const { ctx: reader, gets: fetched } = counting()
    reader.keepModel(cid(1), new Uint8Array(8))
    for (let round = 2; round < 20; round++) {
      reader.keepModel(cid(round), new Uint8Array(8))
      await reader.modelAt(cid(1))
    }
    expect(fetched).toEqual([])
  })

  it('drops an earlier round\'s version pin that nothing waited for once a later round publishes', async () => {
    const { ctx } = counting()
    // pins that never finish: before, each stayed (with its version's bytes) for the whole task
    for (let round = 0; round < 3; round++) ctx.publishing(round, async () => { await new Promise(() => {}) })
    await ctx.published(0)
    await ctx.published(1)
    let waited = false
    void ctx.published(2).then(() => { waited = true })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(waited).toBe(false)
  })
})
