import type { Address } from 'viem'
import { describe, expect, it } from 'vitest'
import type { ShardState } from '../../chain/actions/index.ts'
import { protocolEvent } from '../../testing/taskEvents.ts'
import { shardAttempts } from './verdicts.ts'

const A = '0x00000000000000000000000000000000000000aa' as Address
const B = '0x00000000000000000000000000000000000000bb' as Address
const C = '0x00000000000000000000000000000000000000cc' as Address

const shard = (over: Partial<ShardState>): ShardState => ({
  shard: 0, attempt: 0, status: 'Open', providers: [A, B, C], commitDeadline: 0n, revealDeadline: 0n, refereeDeadline: 0n, startBlock: 0n, committedMask: 0, revealedMask: 0, ...over
})
const at = { taskId: 1n, round: 0n, shard: 0n }
const verifier = (name: string, args: Record<string, unknown>) => protocolEvent('ConsensusVerifier', name, { ...at, ...args })

describe('shardAttempts', () => {
  it('an open attempt shows what each slot has sent', () => {
    const [attempt] = shardAttempts({ round: 0, replication: 3, events: [], shard: shard({ committedMask: 0b011, revealedMask: 0b001 }) })
    expect(attempt?.outcome).toBe('open')
    expect(attempt?.slots.map((s) => [s.provider, s.verdict])).toEqual([[A, 'revealed'], [B, 'committed'], [C, 'assigned']])
  })

  it('an accepted attempt splits revealed slots into winners and outvoted, the rest missed', () => {
    const events = [verifier('ShardAccepted', { attempt: 0n, center: 0n, winnersMask: 0b001n, fingerprintHash: '0x' })]
    const [attempt] = shardAttempts({ round: 0, replication: 3, events, shard: shard({ status: 'Accepted', committedMask: 0b111, revealedMask: 0b011 }) })
    expect(attempt?.outcome).toBe('accepted')
    expect(attempt?.slots.map((s) => s.verdict)).toEqual(['winner', 'outvoted', 'missed'])
  })

  it('rebuilds a re-queued attempt from its events and reads the current one from the assignment', () => {
    const events = [
      verifier('Committed', { attempt: 0n, replica: 0n, provider: B, commitment: '0x' }),
      verifier('Committed', { attempt: 0n, replica: 1n, provider: C, commitment: '0x' }),
      verifier('Revealed', { attempt: 0n, replica: 0n, provider: B, deltaCid: '0x', fingerprint: [] }),
      verifier('ShardRequeued', { attempt: 1n, replication: 3n }),
      verifier('ResultSlashed', { attempt: 0n, replica: 0n, provider: B, reason: 0, evidence: '0x', amount: 1n }),
      // Another shard's events must not leak in.
      protocolEvent('ConsensusVerifier', 'Committed', { ...at, shard: 1n, attempt: 0n, replica: 0n, provider: A, commitment: '0x' })
    ]
    const attempts = shardAttempts({ round: 0, replication: 2, events, shard: shard({ attempt: 1, committedMask: 0b100 }) })
    expect(attempts.map((a) => a.outcome)).toEqual(['requeued', 'open'])
    expect(attempts[0]?.slots).toEqual([
      { replica: 0, provider: B, verdict: 'unsettled', slashed: true },
      { replica: 1, provider: C, verdict: 'missed', slashed: false }
    ])
    expect(attempts[1]?.slots.map((s) => s.verdict)).toEqual(['assigned', 'assigned', 'committed'])
  })

  it('a failed last attempt marks unrevealed slots missed', () => {
    const events = [verifier('ShardFailed', { attempt: 0n })]
    const [attempt] = shardAttempts({ round: 0, replication: 2, events, shard: shard({ status: 'Failed', providers: [A, B], committedMask: 0b11, revealedMask: 0b01 }) })
    expect(attempt?.outcome).toBe('failed')
    expect(attempt?.slots.map((s) => s.verdict)).toEqual(['unsettled', 'missed'])
  })
})
