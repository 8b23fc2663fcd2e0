/**
 * A short simulation on the real local stack (anvil, the contracts, a relay, one p2p node per
 * provider), 2 rounds of a tiny MNIST MLP: 3 providers with one lazy, then 3 with one copier.
 * Checks the report's structure and the security outcomes: the lazy provider and the copier earn
 * nothing, the copier never reveals, and no honest provider is slashed or outvoted.
 * The long runs (the goals) are benchmarks: see `npm run simulate`.
 */
import { describe, expect, it } from 'vitest'
import { simulationOptions } from './args.ts'
import { formatReport } from './report.ts'
import { renderHtml } from './reportHtml.ts'
import { runSimulation } from './run.ts'

describe('simulate', () => {
  it('runs a short network with a lazy provider: report complete, lazy unpaid, no honest slash', async () => {
    // Replication 3 of 3 providers draws every provider to every shard: the lazy one is always in
    // play (with 4 providers and 4 slots per round, the draw could leave it out of both rounds).
    const opts = simulationOptions({ providers: '3', byzantine: '1', attack: 'lazy', rounds: '2', replication: '3', aggregator: 'median', hidden: '16', 'local-steps': '10' })
    const report = await runSimulation(opts, { timeoutMs: 100_000 })
    console.log(formatReport(report))

    expect(report.final.taskStatus).toBe('Completed')
    expect(report.rounds.map((r) => r.round)).toEqual([0, 1])
    for (const round of report.rounds) {
      expect(round.network).not.toBeNull()
      expect(round.network!.accuracy).toBeCloseTo(round.network!.registryAccuracy, 3)
      expect(round.baseline.samples).toBe(round.acceptedShards * report.setup.samplesPerShard)
      expect(round.acceptedResults).toBeGreaterThanOrEqual(2 * round.acceptedShards)
      expect(round.gas.total).toBeGreaterThan(0)
      expect(round.gas.byFunction).toHaveProperty('commit')
      expect(round.bytesPerProvider.received).toBeGreaterThan(0)
      expect(round.seconds).toBeGreaterThan(0)
      expect(round.syncDataParallelBytesPerProvider).toBe(2 * report.setup.params * 4 * report.setup.localSteps)
    }
    expect(report.final.networkAccuracy).toBeGreaterThan(0.3)
    // the providers claim once the task completes: a result's cost includes its claim
    expect(report.rounds.at(-1)!.gas.byFunction).toHaveProperty('claim')
    expect(report.wallTime.split.train).toBeGreaterThan(0)
    // the pinner computed each round's version from the deltas it held: no winner uploaded one
    expect(report.pinner.rebuilt).toBe(report.rounds.filter((r) => r.network !== null).length)

    const lazy = report.providers.filter((p) => p.role === 'byzantine')
    const honest = report.providers.filter((p) => p.role === 'honest')
    expect(lazy).toHaveLength(1)
    expect(honest).toHaveLength(2)
    expect(lazy[0]!.rewards).toBe('0')
    expect(lazy[0]!.claimable).toBe('0')
    expect(lazy[0]!.verdicts.accepted).toBe(0)
    expect(lazy[0]!.verdicts.outvoted + lazy[0]!.verdicts.disputed).toBeGreaterThan(0)
    expect(report.final.freeRiderRewards).toBe('0')
    expect(report.final.honestSlashed).toBe(0)
    expect(honest.every((p) => p.slashes === 0 && p.verdicts.outvoted === 0)).toBe(true)
    expect(honest.reduce((s, p) => s + BigInt(p.rewards), 0n)).toBeGreaterThan(0n)

    const html = renderHtml(report)
    expect(html).toContain('<svg')
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/)
  }, 120_000)

  it('a copier that replays another provider\'s commitment and reveal never reveals and is never paid', async () => {
    // Every provider in every shard, as above, so the copier always has a commitment to copy.
    const opts = simulationOptions({ providers: '3', byzantine: '1', attack: 'copy', rounds: '2', shards: '1', replication: '3', aggregator: 'median', hidden: '16', 'local-steps': '10' })
    const report = await runSimulation(opts, { timeoutMs: 100_000 })
    console.log(formatReport(report))
    expect(report.final.taskStatus).toBe('Completed')
    const [copier] = report.providers.filter((p) => p.role === 'byzantine')
    expect(copier!.attackNotes.some((n) => n.includes('copied replica'))).toBe(true)
    expect(copier!.verdicts).toMatchObject({ accepted: 0, outvoted: 0 })
    expect(copier!.verdicts.missed).toBeGreaterThan(0)
    expect(copier!.rewards).toBe('0')
    expect(report.errors.some((e) => e.role === 'byzantine' && /Commitment mismatch/i.test(e.message))).toBe(true)
    expect(report.final.honestSlashed).toBe(0)
    expect(report.providers.filter((p) => p.role === 'honest').every((p) => p.verdicts.accepted > 0 && p.verdicts.outvoted === 0)).toBe(true)
  }, 120_000)
})
