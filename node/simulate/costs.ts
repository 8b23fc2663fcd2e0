/**
 * What an accepted result costs, read from a simulation report: gas by call kind (the issue's
 * budget is 150k gas per accepted result, everything included) and the per-round figures that
 * must stay flat as providers and shards grow together.
 */
import { gasTotals, type SimulationReport } from './report.ts'

export const GAS_GOAL_PER_RESULT = 150_000
/** The intrinsic gas of any transaction: what the number of calls alone costs, whatever they do. */
export const INTRINSIC_GAS = 21_000

/**
 * The calls a round is made of; `other` gathers the rest (finalizeVersion, unlockStake, challenges,
 * …). Kinds go by function name: the challenge contract's `commit` would count as a result's
 * commit, so the figures are those of runs without attacks.
 */
export const CALL_KINDS = ['commit', 'reveal', 'finalize', 'propose', 'confirm', 'advance', 'claim', 'other'] as const
export type CallKind = typeof CALL_KINDS[number]

export interface KindGas {
  gas: number
  calls: number
  perAcceptedResult: number | null
  /** the contract functions counted under this kind */
  functions: string[]
}

function kindOf (functionName: string): CallKind {
  return (CALL_KINDS as readonly string[]).includes(functionName) ? functionName as CallKind : 'other'
}

/** Every round's gas by call kind, each over the runs' accepted results (null when none was accepted). */
export function gasByKind (...reports: SimulationReport[]): Record<CallKind, KindGas> {
  const accepted = acceptedResults(...reports)
  const kinds = Object.fromEntries(CALL_KINDS.map((k): [CallKind, KindGas] => [k, { gas: 0, calls: 0, perAcceptedResult: null, functions: [] }])) as Record<CallKind, KindGas>
  for (const report of reports) {
    for (const [name, { gas, count }] of Object.entries(gasTotals(report))) {
      const k = kinds[kindOf(name)]
      k.gas += gas
      k.calls += count
      if (!k.functions.includes(name)) k.functions.push(name)
    }
  }
  for (const k of Object.values(kinds)) {
    k.perAcceptedResult = accepted === 0 ? null : k.gas / accepted
    k.functions.sort()
  }
  return kinds
}

export function acceptedResults (...reports: SimulationReport[]): number {
  return reports.reduce((n, report) => n + report.rounds.reduce((m, r) => m + r.acceptedResults, 0), 0)
}

/** One simulation's figures at one network size, each per round or per result so that sizes compare. */
export interface ScaleRow {
  providers: number
  shards: number
  rounds: number
  acceptedResults: number
  gasPerAcceptedResult: number | null
  /** what each call kind adds to gasPerAcceptedResult: the kind whose share grows is the step that does not scale */
  gasPerResultByKind: Record<CallKind, number | null>
  chainCallsPerRound: number
  chainCallsPerResult: number | null
  /** sent + received by one provider in one round, on average */
  bytesPerProvider: number
  /** JSON-RPC requests one provider sent to its node in one round, on average: what a volunteer's RPC endpoint serves */
  rpcRequestsPerProvider: number
  /** mean wall seconds of a round */
  roundSeconds: number | null
  /** busy seconds of all providers (train, transfer, chain, aggregate; waiting left out) per accepted result */
  providerSecondsPerResult: number | null
}

const mean = (xs: number[]): number | null => (xs.length === 0 ? null : xs.reduce((s, x) => s + x, 0) / xs.length)
const per = (x: number, n: number): number | null => (n === 0 ? null : x / n)

export function scaleRow (report: SimulationReport): ScaleRow {
  const { rounds } = report
  const accepted = acceptedResults(report)
  const calls = rounds.reduce((n, r) => n + r.gas.transactions, 0)
  const { train, transfer, chain, aggregate } = report.wallTime.split
  return {
    providers: report.options.providers,
    shards: report.setup.shards,
    rounds: rounds.length,
    acceptedResults: accepted,
    gasPerAcceptedResult: report.final.gasPerAcceptedResult,
    gasPerResultByKind: Object.fromEntries(Object.entries(gasByKind(report)).map(([k, g]) => [k, g.perAcceptedResult])) as Record<CallKind, number | null>,
    chainCallsPerRound: calls / Math.max(1, rounds.length),
    chainCallsPerResult: per(calls, accepted),
    bytesPerProvider: mean(rounds.map((r) => r.bytesPerProvider.sent + r.bytesPerProvider.received)) ?? 0,
    rpcRequestsPerProvider: mean(rounds.map((r) => r.rpcRequestsPerProvider)) ?? 0,
    roundSeconds: mean(rounds.flatMap((r) => (r.seconds === null ? [] : [r.seconds]))),
    providerSecondsPerResult: per(train + transfer + chain + aggregate, accepted)
  }
}

/** The figures that should not grow with the network when shards grow with it. */
export const FLAT_FIGURES = ['gasPerAcceptedResult', 'chainCallsPerResult', 'bytesPerProvider', 'rpcRequestsPerProvider', 'roundSeconds', 'providerSecondsPerResult'] as const
export type FlatFigure = typeof FLAT_FIGURES[number]

/** Each flat figure of `row` over the same figure of `base` (null where either is missing or the base is 0). */
export function ratios (row: ScaleRow, base: ScaleRow): Record<FlatFigure, number | null> {
  const ratio = (k: FlatFigure): number | null => {
    const a = row[k]
    const b = base[k]
    return a === null || b === null || b === 0 ? null : a / b
  }
  return Object.fromEntries(FLAT_FIGURES.map((k) => [k, ratio(k)])) as Record<FlatFigure, number | null>
}
