import { describe, expect, it } from 'vitest'
import { byzantineCount, simulationOptions } from './args.ts'
import { ATTACKS } from './attacks.ts'
import { matrixRow, matrixRuns } from './matrix.ts'
import type { ProviderReport, SimulationReport } from './report.ts'

const provider = (role: 'honest' | 'byzantine', over: Partial<ProviderReport> = {}): ProviderReport => ({
  account: '0x', role, verdicts: { accepted: 0, outvoted: 0, missed: 0, disputed: 0 }, attacksAccepted: 0, slashes: 0, slashed: '0', rewards: '0', forfeited: '0', livenessForfeited: '0', bondsLost: '0', claimable: '0',
  bytes: { sent: 0, received: 0 }, bytesByProtocol: {}, rpcRequests: {}, time: { train: 0, transfer: 0, chain: 0, aggregate: 0, wait: 0 }, attackNotes: [], ...over
})
const report = (accuracy: number, providers: ProviderReport[]): SimulationReport => ({
  providers, final: { networkAccuracy: accuracy, gasPerAcceptedResult: 400_000, taskStatus: 'Completed' }
} as unknown as SimulationReport)

describe('attack matrix', () => {
  it('counts attackers as a share of the providers: at least one, never all', () => {
    expect([4, 7, 8, 16].map((n) => [byzantineCount(0.25, n), byzantineCount(0.49, n)])).toEqual([[1, 1], [1, 3], [2, 3], [4, 7]])
    expect(byzantineCount(0.49, 2)).toBe(1)
  })

  it('runs the honest shape, then every attack at 25% and 49%', () => {
    const { honest, attacked } = matrixRuns(simulationOptions({ providers: '8', rounds: '2', matrix: true }))
    expect(honest).toMatchObject({ providers: 8, byzantine: 0, attack: 'none', matrix: false })
    expect(attacked).toHaveLength(2 * ATTACKS.length)
    expect(attacked.map((r) => r.attack)).toEqual(expect.arrayContaining(['noshow', 'withhold', 'junk', 'poison', 'sniff', 'stale', 'collude', 'sybil', 'sketch', 'spam', 'sybilchallenge']))
    expect(attacked.slice(0, 2).map((r) => [r.attack, r.fraction, r.opts.byzantine, r.opts.attack])).toEqual([['noise', 0.25, 2, 'noise'], ['noise', 0.49, 3, 'noise']])
  })

  it('compares an attacked run with the honest one', () => {
    const attacked = report(0.9, [
      provider('honest', { verdicts: { accepted: 5, outvoted: 1, missed: 0, disputed: 0 } }),
      provider('honest', { slashes: 1 }),
      // three results accepted, two of them attacks (the third was its honest work)
      provider('byzantine', { slashes: 1, rewards: (3n * 10n ** 18n).toString(), verdicts: { accepted: 3, outvoted: 0, missed: 0, disputed: 1 }, attacksAccepted: 2 }),
      // both its results were attacks; its audit took back one of the two rewards it had not claimed
      provider('byzantine', { slashes: 1, rewards: (2n * 10n ** 18n).toString(), verdicts: { accepted: 2, outvoted: 0, missed: 0, disputed: 0 }, attacksAccepted: 2, forfeited: (10n ** 18n).toString(), livenessForfeited: (10n ** 18n / 2n).toString(), bondsLost: (10n ** 19n).toString() })
    ])
    expect(matrixRow('signflip', 0.25, attacked, report(0.925, []))).toEqual({
      attack: 'signflip', fraction: 0.25, byzantine: 2, accuracyDelta: expect.closeTo(-2.5, 6) as unknown as number, honestSlashed: 1, attackersSlashed: 2,
      attackerEarnings: 4, attackEarnings: 3, attackersLivenessLost: 0.5, attackersBondsLost: 10, falseAccepts: 4, falseRejects: 2, gasPerAcceptedResult: 400_000, taskStatus: 'Completed'
    })
  })

  it('reads --byzantine as a count or a share and refuses --matrix with an attack', () => {
    expect(simulationOptions({ providers: '8', byzantine: '0.25', attack: 'noise' })).toMatchObject({ byzantine: 2 })
    expect(simulationOptions({ providers: '8', byzantine: '3', attack: 'noise' })).toMatchObject({ byzantine: 3 })
    expect(() => simulationOptions({ providers: '8', byzantine: '1.5', attack: 'noise' })).toThrow(/--byzantine must be an integer/)
    expect(() => simulationOptions({ matrix: true, attack: 'noise', byzantine: '1' })).toThrow(/leave out --byzantine and --attack/)
  })
})
