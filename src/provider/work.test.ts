import { describe, expect, it } from 'vitest'
import { newSalt } from '../chain/actions/index.ts'
import { encodeDelta } from '../core/delta/codec.ts'
import { sealDelta } from '../core/delta/seal.ts'
import { taskFingerprint } from '../core/fingerprint.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import type { ShardSlot, ShardView } from '../core/duties.ts'
import type { ProviderContext } from './context.ts'
import type { PendingResult } from './types.ts'
import { reveal } from './work.ts'

const spec = parseTaskSpec({ model: { template: 'mlp', inputShape: [4], classes: 2, hidden: [3] }, fingerprint: { length: 8 }, seed: 1 })
const delta = [{ name: 'w', shape: [64], values: Float32Array.from({ length: 64 }, (_, i) => Math.sin(i)) }]

/**
 * A provider that reads the fingerprint seed, then sees its reveal refused because another
 * replica's late commit moved the seed block: what it reveals next must be the sketch under the
 * new seed, or its honest result disagrees with its replica's and is slashed.
 */
describe('reveal', () => {
  it('after a late commit moved the seed, the reveal carries the sketch under the seed drawn last, not a stale one', async () => {
    const salt = newSalt()
    const sealed = await sealDelta(encodeDelta(delta, { scheme: 'float32' }), salt)
    const pending: PendingResult = { round: 0, shard: 0, attempt: 0, replica: 0, deltaCid: '0x01', sealedCid: '0x02', salt, committed: true, revealed: false }
    const seeds = [111, 222, 222]
    const revealed: number[][] = []
    let refuse = true
    const chain = {
      readFingerprintSeed: async () => seeds.shift(),
      revealResults: async (batch: Array<{ fingerprint: number[] }>) => {
        if (refuse) { refuse = false; throw new Error('Fingerprint seed not drawn') }
        revealed.push(...batch.map((p) => p.fingerprint))
      }
    }
    const ctx = {
      deps: { chain, taskId: 1n, task: { spec, layout: [{ name: 'w', shape: [64] }] }, artifacts: { get: async () => sealed }, limits: { delta: 1 << 20 } },
      state: { results: { '0/0/0': pending } },
      save: async () => {},
      step: async () => {},
      action: () => {},
      timed: async <T>(p: Promise<T>) => await p,
      bounded: async <T>(work: (s: AbortSignal) => Promise<T>) => await work(new AbortController().signal),
      quietly: async (_phase: string, fn: () => Promise<void>) => await fn().then(() => true, () => false)
    } as unknown as ProviderContext
    const shard = { shard: 0, attempt: 0 } as unknown as ShardView
    expect(await reveal(ctx, 0, [{ shard, replica: 0 }])).toBe(false)
    expect(await reveal(ctx, 0, [{ shard, replica: 0 }])).toBe(true)
    expect(revealed).toEqual([Array.from(taskFingerprint(delta, spec, 222))])
  })

  /** Two saved results of round 0 (shards 0 and 1) and a chain whose seeds and reveals the test sets. */
  async function twoResults (opts: { seeds: Record<number, Array<number | undefined>>, revealDeadline?: bigint, unreadable?: number }): Promise<{ ctx: ProviderContext, slots: ShardSlot[], calls: number[][], errors: string[] }> {
    const salt = newSalt()
    const sealed = await sealDelta(encodeDelta(delta, { scheme: 'float32' }), salt)
    const result = (shard: number): PendingResult => ({ round: 0, shard, attempt: 0, replica: 0, deltaCid: '0x01', sealedCid: shard === opts.unreadable ? '0xbad' : '0x02', salt, committed: true, revealed: false })
    const calls: number[][] = []
    const errors: string[] = []
    const chain = {
      now: async () => 0n,
      readFingerprintSeed: async (_task: bigint, _round: number, shard: number) => opts.seeds[shard]!.shift(),
      revealResults: async (batch: Array<{ shard: number }>) => { calls.push(batch.map((p) => p.shard)) }
    }
    const ctx = {
      deps: {
        chain, taskId: 1n, task: { spec, layout: [{ name: 'w', shape: [64] }] }, limits: { delta: 1 << 20 },
        artifacts: { get: async (cid: string) => { if (cid === '0xbad') throw new Error('sealed delta not found'); return sealed } }
      },
      state: { results: { '0/0/0': result(0), '0/1/0': result(1) } },
      save: async () => {},
      step: async () => {},
      action: () => {},
      timed: async <T>(p: Promise<T>) => await p,
      bounded: async <T>(work: (s: AbortSignal) => Promise<T>) => await work(new AbortController().signal),
      quietly: async (_phase: string, fn: () => Promise<void>) => await fn().then(() => true, (error: Error) => { errors.push(error.message); return false })
    } as unknown as ProviderContext
    const slots = [0, 1].map((shard) => ({ shard: { shard, attempt: 0, revealDeadline: opts.revealDeadline ?? 1000n } as unknown as ShardView, replica: 0 }))
    return { ctx, slots, calls, errors }
  }

  it('waits for the block that draws the last seed, then reveals every result in one transaction', async () => {
    // shard 1's last commit is in the newest block: its seed is drawn a block later
    const { ctx, slots, calls } = await twoResults({ seeds: { 0: [111, 111], 1: [undefined, 333] } })
    expect(await reveal(ctx, 0, slots)).toBe(false)
    expect(calls).toEqual([])
    expect(await reveal(ctx, 0, slots)).toBe(true)
    expect(calls).toEqual([[0, 1]])
  })

  it('does not hold back a result due within the half minute, nor one whose sketch cannot be had', async () => {
    const due = await twoResults({ seeds: { 0: [111], 1: [undefined] }, revealDeadline: 20n })
    expect(await reveal(due.ctx, 0, due.slots)).toBe(true)
    expect(due.calls).toEqual([[0]])
    const unreadable = await twoResults({ seeds: { 0: [111], 1: [333] }, unreadable: 0 })
    expect(await reveal(unreadable.ctx, 0, unreadable.slots)).toBe(true)
    expect(unreadable.calls).toEqual([[1]])
    expect(unreadable.errors).toEqual(['sealed delta not found'])
  })
})
