import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import type { ProviderView, ShardView } from '../core/duties.ts'
import { Emitter } from '../core/events.ts'
import { PREFETCH_CONCURRENCY, ProviderContext, type ProviderDeps } from './context.ts'
import { Prefetcher } from './prefetch.ts'
import { emptyState, MemoryStateStore, systemClock } from './state.ts'
import type { ArtifactStore, ProviderEvents } from './types.ts'

const ME = '0x00000000000000000000000000000000000000a1' as Address
const OTHER = '0x00000000000000000000000000000000000000b2' as Address
const MINE = '0x01aa' as Hex
const THEIRS = '0x01bb' as Hex

/** A context whose artifact store counts gets and fails the first `failures` of them. */
function contextWith (failures = 0): { ctx: ProviderContext, gets: Hex[], errors: unknown[] } {
  const gets: Hex[] = []
  let left = failures
  const artifacts: ArtifactStore = {
    put: async () => '0x01' as Hex,
    get: async (cid) => {
      gets.push(cid)
      if (left-- > 0) throw new Error('unreachable pinner')
      return new Uint8Array([gets.length])
    }
  }
  const chain = {
    account: ME,
    readModelHead: async () => 1n,
    readVersion: async () => ({ modelCid: '0x01cc' as Hex }),
    readRevealed: async () => [ME, OTHER].map((provider, replica) => ({ provider, replica, sealedCid: provider === ME ? MINE : THEIRS }))
  }
  const deps = { chain, artifacts, clock: systemClock, stepTimeoutMs: 10_000, state: new MemoryStateStore(), taskId: 1n, pipeline: true } as unknown as ProviderDeps
  const events = new Emitter<ProviderEvents>()
  const errors: unknown[] = []
  events.on('error', (e) => { errors.push(e.error) })
  return { ctx: new ProviderContext(deps, events, emptyState(1n, ME), 'key'), gets, errors }
}

const shard = (over: Partial<ShardView>): ShardView => ({
  shard: 0, attempt: 0, status: 'Open', providers: [ME, OTHER], commitDeadline: 0n, revealDeadline: 0n, refereeDeadline: 0n, committedMask: 3, revealedMask: 0, ...over
})

const view = (shards: ShardView[]): ProviderView => ({
  me: ME,
  now: 0n,
  task: { status: 'Running', joinDeadline: 0n, shards: shards.length, confirmations: 1, aggregateWindow: 0n, challengeWindow: 0n },
  joined: true,
  round: { round: 0, shards, decidedShards: 0, decidedAt: 0n, versionId: 0n },
  result: () => undefined,
  patience: { joinWaitOver: false, aggregatorWaitOver: false, proposalWaitOver: () => false }
})

const settle = async (): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, 10)) }

describe('prefetching', () => {
  it('fetches the other replicas\' revealed deltas once, and the aggregation reads each copy once', async () => {
    const { ctx, gets } = contextWith()
    const prefetcher = new Prefetcher(ctx)
    prefetcher.ahead(view([shard({ revealedMask: 3 })]))
    prefetcher.ahead(view([shard({ revealedMask: 3 })])) // the next tick: started already
    await settle()
    expect(gets).toEqual([THEIRS]) // its own delta is on this node
    expect(await ctx.deltaOf(THEIRS)).toEqual(new Uint8Array([1]))
    expect(gets).toHaveLength(1)
    expect(await ctx.deltaOf(THEIRS)).toEqual(new Uint8Array([2])) // a second read (a retry) fetches again
  })

  it('prefetches nothing for a provider not drawn, and the model only while the draw waits', async () => {
    const { ctx, gets } = contextWith()
    const prefetcher = new Prefetcher(ctx)
    prefetcher.ahead({ ...view([shard({ revealedMask: 2 })]), me: '0x00000000000000000000000000000000000000c3' })
    await settle()
    expect(gets).toEqual([])
    prefetcher.ahead(view([shard({ providers: [] })]))
    await settle()
    expect(gets).toEqual(['0x01cc'])
  })

  it('keeps at most PREFETCH_CONCURRENCY fetches in flight when a large round reveals many deltas at once, and the aggregation reads each copy', async () => {
    const { ctx } = contextWith()
    let inFlight = 0
    let peak = 0
    let gets = 0
    const release: Array<() => void> = []
    ctx.deps.artifacts.get = async (cid) => {
      gets++
      peak = Math.max(peak, ++inFlight)
      await new Promise<void>((resolve) => { release.push(resolve) })
      inFlight--
      return new Uint8Array([Number(BigInt(cid) & 0xffn)])
    }
    const cids = Array.from({ length: 30 }, (_, i) => `0x01${(i + 16).toString(16)}` as Hex)
    for (const cid of cids) ctx.prefetchDelta(cid)
    await settle()
    expect(inFlight).toBe(PREFETCH_CONCURRENCY)
    // each batch released lets the next PREFETCH_CONCURRENCY start
    for (let batch = 0; batch < Math.ceil(cids.length / PREFETCH_CONCURRENCY); batch++) {
      release.splice(0).forEach((r) => { r() })
      await settle()
    }
    expect(peak).toBe(PREFETCH_CONCURRENCY)
    expect((await Promise.all(cids.map(async (cid) => await ctx.deltaOf(cid)))).map((b) => b[0])).toEqual(cids.map((c) => Number(BigInt(c) & 0xffn)))
    expect(gets).toBe(cids.length)
  })

  it('attack (deltas that never arrive): colluders whose revealed deltas cannot be fetched hold every prefetch slot, and a winner\'s delta is fetched at once all the same; a dropped round fetches nothing more', async () => {
    const { ctx } = contextWith()
    const fetched: Hex[] = []
    const honest = '0x01ff' as Hex
    const giveUp: Array<() => void> = []
    ctx.deps.artifacts.get = async (cid) => {
      fetched.push(cid)
      if (cid === honest) return new Uint8Array([7])
      return await new Promise<Uint8Array>((_resolve, reject) => { giveUp.push(() => { reject(new Error('no block')) }) }) // until its time limit
    }
    const junk = Array.from({ length: PREFETCH_CONCURRENCY + 2 }, (_, i) => `0x01${(i + 16).toString(16)}` as Hex)
    for (const cid of junk) ctx.prefetchDelta(cid)
    ctx.prefetchDelta(honest)
    await settle()
    expect(fetched).toEqual(junk.slice(0, PREFETCH_CONCURRENCY))
    expect(await ctx.deltaOf(honest)).toEqual(new Uint8Array([7]))
    // the round moves on; the stalled fetches time out and free their slots: the queued junk is not fetched
    ctx.dropDeltas()
    giveUp.splice(0).forEach((g) => { g() })
    await settle()
    expect(fetched).toEqual([...junk.slice(0, PREFETCH_CONCURRENCY), honest])
  })

  it('fetches again when the prefetch failed', async () => {
    const { ctx, gets } = contextWith(1)
    ctx.prefetchDelta(THEIRS)
    await settle()
    expect(await ctx.deltaOf(THEIRS)).toEqual(new Uint8Array([2]))
    expect(gets).toHaveLength(2)
  })
})

describe('publishing a version while the loop moves on', () => {
  it('a failed pin is no error by itself: published() tries again before it resolves', async () => {
    const { ctx, errors } = contextWith()
    let tries = 0
    ctx.publishing(0, async () => { if (++tries === 1) throw new Error('pinner busy') })
    await settle()
    // nobody may wait for it (another winner's version ended the round): an error now would be a false alarm
    expect(errors).toHaveLength(0)
    await ctx.published(0)
    expect(tries).toBe(2)
    await ctx.published(0) // done: nothing left to wait for
    expect(tries).toBe(2)
  })

  it('rejects when the second try fails too, so the advance waits for a later tick', async () => {
    const { ctx } = contextWith()
    ctx.publishing(0, async () => { throw new Error('pinner down') })
    await expect(ctx.published(0)).rejects.toThrow('pinner down')
  })
})
