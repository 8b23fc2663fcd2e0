import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { ContractRejectedError } from '../chain/actions/index.ts'
import type { ShardView } from '../core/duties.ts'
import { Emitter } from '../core/events.ts'
import { ProviderContext, type ProviderDeps } from './context.ts'
import { finalizeShards } from './lifecycle.ts'
import { emptyState, MemoryStateStore, systemClock } from './state.ts'
import type { ProviderEvents } from './types.ts'

const ME = '0x00000000000000000000000000000000000000a1' as Address

const shard = (n: number): ShardView => ({
  shard: n, attempt: 0, status: 'Open', providers: [ME], commitDeadline: 0n, revealDeadline: 0n, refereeDeadline: 0n, committedMask: 1, revealedMask: 1
})

/** A context whose chain decides the shards it is given, refusing any call that lists one of `closed` (another provider decided it). */
function contextDeciding (closed: number[]): { ctx: ProviderContext, calls: number[][], actions: Array<ProviderEvents['action']> } {
  const calls: number[][] = []
  const chain = {
    account: ME,
    finalizeShards: async (_taskId: bigint, _round: number, shards: readonly number[]) => {
      calls.push([...shards])
      const lost = shards.find((s) => closed.includes(s))
      if (lost !== undefined) throw new ContractRejectedError('finalizeShards', 'ShardClosed', [1n, 0n, BigInt(lost)], undefined, `shard ${lost} is closed`)
      return { outcomes: shards.map(() => ({ kind: 'accepted' as const, attempt: 0, center: 0, winnersMask: 1 })), roundDecided: false }
    }
  }
  const deps = { chain, clock: systemClock, stepTimeoutMs: 10_000, state: new MemoryStateStore(), taskId: 1n } as unknown as ProviderDeps
  const events = new Emitter<ProviderEvents>()
  const actions: Array<ProviderEvents['action']> = []
  events.on('action', (a) => { actions.push(a) })
  return { ctx: new ProviderContext(deps, events, emptyState(1n, ME), 'key'), calls, actions }
}

describe('finalizeShards', () => {
  it('decides every shard in one transaction', async () => {
    const { ctx, calls, actions } = contextDeciding([])
    expect(await finalizeShards(ctx, 0, [shard(0), shard(2), shard(3)])).toBe(true)
    expect(calls).toEqual([[0, 2, 3]])
    expect(actions.map((a) => [a.name, a.shard, a.detail])).toEqual([['finalizeShard', 0, 'accepted'], ['finalizeShard', 2, 'accepted'], ['finalizeShard', 3, 'accepted']])
  })

  it('sends each shard alone when another provider decided one of them first, so the rest are decided in the same tick', async () => {
    const { ctx, calls, actions } = contextDeciding([2])
    expect(await finalizeShards(ctx, 0, [shard(0), shard(2), shard(3)])).toBe(true)
    expect(calls).toEqual([[0, 2, 3], [0], [2], [3]])
    expect(actions.filter((a) => a.name === 'finalizeShard').map((a) => a.shard)).toEqual([0, 3])
    expect(actions.filter((a) => a.name === 'finalizeShards skipped').map((a) => a.detail)).toEqual(['ShardClosed', 'ShardClosed'])
  })

  it('does not send a lone shard twice', async () => {
    const { ctx, calls } = contextDeciding([4])
    expect(await finalizeShards(ctx, 0, [shard(4)])).toBe(false)
    expect(calls).toEqual([[4]])
  })
})
