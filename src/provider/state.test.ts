import type { Address, Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { resultKey } from './context.ts'
import { emptyState, pruneState, STATE_ROUNDS_KEPT } from './state.ts'
import type { PendingResult, RoundVersionRecord } from './types.ts'

const ME = '0x00000000000000000000000000000000000000a1' as Address

describe('pruneState', () => {
  it('keeps the results and version records of the last rounds only, however many rounds ran', () => {
    const state = emptyState(1n, ME)
    for (let round = 0; round < 1000; round++) {
      for (const shard of [0, 1]) {
        state.results[resultKey(round, shard, 0)] = { round, shard, attempt: 0, replica: 0, deltaCid: '0x01' as Hex, sealedCid: '0x02' as Hex, salt: '0x03' as Hex, committed: true, revealed: true } as PendingResult
      }
      state.versions[String(round)] = { round } as unknown as RoundVersionRecord
      pruneState(state, round)
    }
    const rounds = Array.from({ length: STATE_ROUNDS_KEPT + 1 }, (_, i) => 999 - STATE_ROUNDS_KEPT + i)
    expect(Object.keys(state.versions).map(Number).sort((a, b) => a - b)).toEqual(rounds)
    expect([...new Set(Object.values(state.results).map((r) => r.round))].sort((a, b) => a - b)).toEqual(rounds)
    expect(Object.keys(state.results)).toHaveLength(2 * rounds.length)
  })
})
