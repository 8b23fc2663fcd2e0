/**
 * The attack matrix (`npm run simulate -- --matrix`): one honest run, then every attack at 25% and
 * at 49% of the providers, each on a fresh local stack with the same task shape, and one row per
 * attack and fraction comparing it with the honest run.
 */
import { ATTACKS, type Attack } from './attacks.ts'
import { byzantineCount, type SimulationOptions } from './args.ts'
import { table, type ProviderReport, type SimulationReport } from './report.ts'

/** The shares of Byzantine providers the matrix tries. */
export const MATRIX_FRACTIONS = [0.25, 0.49] as const

export interface MatrixRow {
  attack: Attack
  fraction: number
  /** providers that attacked */
  byzantine: number
  /** percentage points, the attacked run's final network accuracy minus the honest run's */
  accuracyDelta: number | null
  /** honest providers slashed at least once */
  honestSlashed: number
  /** Byzantine providers slashed at least once */
  attackersSlashed: number
  /** MLB the Byzantine providers were credited and kept (what a slash forfeited is not earned) */
  attackerEarnings: number
  /**
   * MLB of `attackerEarnings` paid for results that were an attack (each accepted result is paid
   * the same); the rest paid attackers' honest work (a stale proposer's or a Sybil challenger's
   * training, an ALIE member drawn with no other member to take a spread from).
   */
  attackEarnings: number
  /** MLB of liveness deposits the Byzantine providers lost for results they never revealed */
  attackersLivenessLost: number
  /** MLB of challenge bonds the Byzantine providers posted and lost to dismissals */
  attackersBondsLost: number
  /** Byzantine results accepted that were an attack (an attacker's honest work, as stale or sybilchallenge submit, is not one) */
  falseAccepts: number
  /** honest results outvoted or slashed */
  falseRejects: number
  gasPerAcceptedResult: number | null
  taskStatus: string
}

/** The runs of a matrix over `base` (its attack flags are ignored). */
export function matrixRuns (base: SimulationOptions): { honest: SimulationOptions, attacked: Array<{ attack: Attack, fraction: number, opts: SimulationOptions }> } {
  const honest: SimulationOptions = { ...base, byzantine: 0, attack: 'none', matrix: false }
  return {
    honest,
    attacked: ATTACKS.flatMap((attack) => MATRIX_FRACTIONS.map((fraction) => ({ attack, fraction, opts: { ...honest, attack, byzantine: byzantineCount(fraction, base.providers) } })))
  }
}

const mlb = (wei: bigint): number => Number(wei / 10n ** 12n) / 1e6
const min = (a: bigint, b: bigint): bigint => (a < b ? a : b)
/** what a provider was credited and kept: a slash forfeits the unclaimed part */
const kept = (p: ProviderReport): bigint => BigInt(p.rewards) - BigInt(p.forfeited)

/** One row: an attacked run against the honest one. */
export function matrixRow (attack: Attack, fraction: number, attacked: SimulationReport, honest: SimulationReport): MatrixRow {
  const byzantine = attacked.providers.filter((p) => p.role === 'byzantine')
  const honestProviders = attacked.providers.filter((p) => p.role === 'honest')
  const a = attacked.final.networkAccuracy
  const h = honest.final.networkAccuracy
  return {
    attack,
    fraction,
    byzantine: byzantine.length,
    accuracyDelta: a === null || h === null ? null : 100 * (a - h),
    honestSlashed: honestProviders.filter((p) => p.slashes > 0).length,
    attackersSlashed: byzantine.filter((p) => p.slashes > 0).length,
    attackerEarnings: mlb(byzantine.reduce((s, p) => s + kept(p), 0n)),
    attackEarnings: mlb(byzantine.reduce((s, p) => s + min(kept(p), p.verdicts.accepted === 0 ? 0n : BigInt(p.rewards) * BigInt(p.attacksAccepted) / BigInt(p.verdicts.accepted)), 0n)),
    attackersLivenessLost: mlb(byzantine.reduce((s, p) => s + BigInt(p.livenessForfeited), 0n)),
    attackersBondsLost: mlb(byzantine.reduce((s, p) => s + BigInt(p.bondsLost), 0n)),
    falseAccepts: byzantine.reduce((s, p) => s + p.attacksAccepted, 0),
    falseRejects: honestProviders.reduce((s, p) => s + p.verdicts.outvoted + p.slashes, 0),
    gasPerAcceptedResult: attacked.final.gasPerAcceptedResult,
    taskStatus: attacked.final.taskStatus
  }
}

/** The matrix as a text table. */
export function formatMatrix (rows: readonly MatrixRow[], honest: SimulationReport): string {
  const head = ['attack', 'fraction', 'byzantine', 'acc delta pp', 'honest slashed', 'attackers slashed', 'attacker MLB', 'by attacks MLB', 'liveness lost MLB', 'bonds lost MLB', 'false accepts', 'false rejects', 'gas/result', 'task']
  const cells = rows.map((r) => [
    r.attack, `${Math.round(r.fraction * 100)}%`, String(r.byzantine), r.accuracyDelta === null ? '-' : r.accuracyDelta.toFixed(2), String(r.honestSlashed), String(r.attackersSlashed),
    r.attackerEarnings.toFixed(2), r.attackEarnings.toFixed(2), r.attackersLivenessLost.toFixed(2), r.attackersBondsLost.toFixed(2), String(r.falseAccepts), String(r.falseRejects), r.gasPerAcceptedResult === null ? '-' : r.gasPerAcceptedResult.toFixed(0), r.taskStatus
  ])
  const acc = honest.final.networkAccuracy
  return [
    `attack matrix: ${honest.options.providers} providers, ${honest.options.rounds} rounds, aggregator ${honest.setup.aggregationRule}; honest run ${acc === null ? '-' : (100 * acc).toFixed(2)}%`,
    table(head, cells)
  ].join('\n')
}
