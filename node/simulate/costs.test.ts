import { describe, expect, it } from 'vitest'
import { gasByKind, ratios, scaleRow } from './costs.ts'
import type { RoundReport, SimulationReport } from './report.ts'

const round = (over: { acceptedResults: number, transactions: number, byFunction: RoundReport['gas']['byFunction'], seconds: number | null, bytes: number, rpc?: number }): RoundReport => {
  const total = Object.values(over.byFunction).reduce((s, g) => s + g.gas, 0)
  return {
    acceptedResults: over.acceptedResults,
    seconds: over.seconds,
    gas: { total, transactions: over.transactions, perAcceptedResult: null, byFunction: over.byFunction },
    bytesPerProvider: { sent: over.bytes / 4, received: 3 * over.bytes / 4 },
    rpcRequestsPerProvider: over.rpc ?? 0
  } as unknown as RoundReport
}

const report = (providers: number, shards: number, rounds: RoundReport[], busySeconds = 8): SimulationReport => {
  const accepted = rounds.reduce((n, r) => n + r.acceptedResults, 0)
  return {
    options: { providers },
    setup: { shards },
    rounds,
    final: { gasPerAcceptedResult: rounds.reduce((s, r) => s + r.gas.total, 0) / accepted },
    wallTime: { total: 0, split: { train: busySeconds / 4, transfer: busySeconds / 4, chain: busySeconds / 4, aggregate: busySeconds / 4, wait: 1000 } }
  } as unknown as SimulationReport
}

const small = report(4, 2, [
  round({ acceptedResults: 4, transactions: 13, seconds: 10, bytes: 4096, rpc: 90, byFunction: { commit: { gas: 400, count: 4 }, reveal: { gas: 300, count: 4 }, propose: { gas: 100, count: 1 }, advance: { gas: 50, count: 1 } } }),
  // a round that accepted nothing still costs gas: it is shared by the results of the others
  round({ acceptedResults: 0, transactions: 3, seconds: 30, bytes: 0, rpc: 30, byFunction: { commit: { gas: 200, count: 2 }, finalizeVersion: { gas: 70, count: 1 } } }),
  round({ acceptedResults: 4, transactions: 4, seconds: 20, bytes: 8192, rpc: 60, byFunction: { claim: { gas: 80, count: 4 }, unlockStake: { gas: 10, count: 1 } } })
])

describe('what a result costs', () => {
  it('sorts every round\'s gas into call kinds, the unknown ones under other, each over all accepted results', () => {
    const kinds = gasByKind(small)
    expect(kinds.commit).toEqual({ gas: 600, calls: 6, perAcceptedResult: 75, functions: ['commit'] })
    expect(kinds.claim.perAcceptedResult).toBe(10)
    expect(kinds.confirm).toEqual({ gas: 0, calls: 0, perAcceptedResult: 0, functions: [] })
    expect(kinds.other).toEqual({ gas: 80, calls: 2, perAcceptedResult: 10, functions: ['finalizeVersion', 'unlockStake'] })
    // the kinds add up to the report's own figure: nothing left out, nothing counted twice
    expect(Object.values(kinds).reduce((s, k) => s + k.perAcceptedResult!, 0)).toBe(small.final.gasPerAcceptedResult)
  })

  it('counts several runs of a task together: their gas over all their accepted results', () => {
    const other = report(4, 2, [round({ acceptedResults: 8, transactions: 9, seconds: 10, bytes: 0, byFunction: { commit: { gas: 1000, count: 4 }, claim: { gas: 40, count: 2 } } })])
    const kinds = gasByKind(small, other)
    expect(kinds.commit).toEqual({ gas: 1600, calls: 10, perAcceptedResult: 100, functions: ['commit'] })
    expect(kinds.claim).toEqual({ gas: 120, calls: 6, perAcceptedResult: 7.5, functions: ['claim'] })
    expect(Object.values(kinds).reduce((s, k) => s + k.gas, 0)).toBe(1210 + 1040)
  })

  it('has no per-result gas when nothing was accepted', () => {
    const none = report(4, 2, [round({ acceptedResults: 0, transactions: 1, seconds: 5, bytes: 0, byFunction: { advance: { gas: 9, count: 1 } } })])
    expect(gasByKind(none).advance).toMatchObject({ gas: 9, perAcceptedResult: null })
  })

  it('reads one network size per round and per result, rounds without a seen start left out of the mean', () => {
    expect(scaleRow(small)).toEqual({
      providers: 4,
      shards: 2,
      rounds: 3,
      acceptedResults: 8,
      gasPerAcceptedResult: 1210 / 8,
      gasPerResultByKind: { commit: 75, reveal: 300 / 8, finalize: 0, propose: 100 / 8, confirm: 0, advance: 50 / 8, claim: 10, other: 10 },
      chainCallsPerRound: 20 / 3,
      chainCallsPerResult: 20 / 8,
      bytesPerProvider: 4096,
      rpcRequestsPerProvider: 60,
      roundSeconds: 20,
      providerSecondsPerResult: 1
    })
    const unseen = report(4, 2, [round({ acceptedResults: 2, transactions: 2, seconds: null, bytes: 10, byFunction: {} })])
    expect(scaleRow(unseen).roundSeconds).toBeNull()
  })

  it('sets a larger network against the first: twice the providers at the same per-result cost is flat', () => {
    const base = scaleRow(small)
    const twice = scaleRow(report(8, 4, [
      round({ acceptedResults: 8, transactions: 26, seconds: 10, bytes: 4096, rpc: 150, byFunction: { commit: { gas: 1600, count: 8 } } }),
      round({ acceptedResults: 8, transactions: 14, seconds: 50, bytes: 8192, rpc: 90, byFunction: { propose: { gas: 820, count: 8 } } })
    ], 16))
    const r = ratios(twice, base)
    expect(r.gasPerAcceptedResult).toBeCloseTo(1, 10)
    expect(r.chainCallsPerResult).toBeCloseTo(1, 10)
    expect(r.bytesPerProvider).toBeCloseTo(6144 / 4096, 10)
    expect(r.rpcRequestsPerProvider).toBeCloseTo(120 / 60, 10)
    expect(r.roundSeconds).toBeCloseTo(1.5, 10)
    expect(r.providerSecondsPerResult).toBeCloseTo(1, 10)
    expect(ratios({ ...twice, roundSeconds: null }, base).roundSeconds).toBeNull()
  })
})
