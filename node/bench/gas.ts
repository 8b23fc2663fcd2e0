/**
 * `npm run bench -- gas [--runs N] [FLAGS]`: gas per accepted result, everything included, on
 * anvil with real rounds (the simulator, no attack): 4 providers, replication 2, 4 shards, 2
 * rounds unless FLAGS say otherwise. Prints each call kind's share against the goal (150k) and, as
 * the run's own reference, the floor the number of transactions alone sets (21k intrinsic gas
 * each). Runs of one shape differ by several percent (how many shards' replicas reveal in one
 * block and need a finalize of their own), so `--runs N` repeats the task N times and counts
 * them together, with each run's figure beside.
 */
import type { BenchContext } from '../bench.ts'
import { integerFlag } from '../cli/args.ts'
import { FLAGS as SIMULATE_FLAGS, simulationOptions, type SimulationFlags } from '../simulate/args.ts'
import { acceptedResults, CALL_KINDS, GAS_GOAL_PER_RESULT, gasByKind, INTRINSIC_GAS, type CallKind, type KindGas } from '../simulate/costs.ts'
import { table, type SimulationReport } from '../simulate/report.ts'
import { runSimulation } from '../simulate/run.ts'

const DEFAULTS: SimulationFlags = { providers: '4', replication: '2', shards: '4', rounds: '2' }

export const FLAGS = { ...SIMULATE_FLAGS, runs: { type: 'string' } } as const

/** Repeats of one task: a few minutes each at 8 rounds. */
const MAX_RUNS = 10

export interface GasResult {
  providers: number
  replication: number
  shards: number
  rounds: number
  /** how many times the task ran; the per-result figures count them all together */
  runs: number
  acceptedResults: number
  goal: number
  gasPerAcceptedResult: number | null
  /** each run's gas per accepted result, in run order */
  gasPerAcceptedResultByRun: Array<number | null>
  transactionsPerAcceptedResult: number | null
  /** 21k per transaction over the accepted results: what fewer calls, not cheaper ones, would save */
  intrinsicGasPerAcceptedResult: number | null
  /** create, stake and join, before round 0: not in gasPerAcceptedResult, shown for what it adds over this task's length */
  setupGasPerAcceptedResult: number | null
  breakdown: Record<CallKind, KindGas>
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<GasResult> {
  const { runs: runsText, ...simulation } = flags
  const runs = integerFlag('--runs', runsText ?? '1', 1, MAX_RUNS)
  const options = simulationOptions({ ...DEFAULTS, ...simulation, byzantine: '0', attack: 'none' })
  const reports: SimulationReport[] = []
  for (let i = 0; i < runs; i++) {
    if (runs > 1) log(`run ${i + 1} of ${runs}`)
    reports.push(await runSimulation(options, { log }))
  }
  const accepted = acceptedResults(...reports)
  const transactions = reports.reduce((n, report) => n + report.rounds.reduce((m, r) => m + r.gas.transactions, 0), 0)
  const gas = reports.reduce((n, report) => n + report.rounds.reduce((m, r) => m + r.gas.total, 0), 0)
  const per = (x: number): number | null => (accepted === 0 ? null : x / accepted)
  const breakdown = gasByKind(...reports)
  const result: GasResult = {
    providers: options.providers,
    replication: options.replication,
    shards: options.shards,
    rounds: options.rounds,
    runs,
    acceptedResults: accepted,
    goal: GAS_GOAL_PER_RESULT,
    gasPerAcceptedResult: per(gas),
    gasPerAcceptedResultByRun: reports.map((report) => report.final.gasPerAcceptedResult),
    transactionsPerAcceptedResult: per(transactions),
    intrinsicGasPerAcceptedResult: per(INTRINSIC_GAS * transactions),
    setupGasPerAcceptedResult: per(reports.reduce((n, report) => n + report.setup.setupGas, 0)),
    breakdown
  }
  const k = (x: number | null): string => (x === null ? '-' : `${(x / 1000).toFixed(1)}k`)
  const ofGoal = (x: number | null): string => (x === null ? '-' : `${(100 * x / GAS_GOAL_PER_RESULT).toFixed(0)}%`)
  log('')
  log(`gas per accepted result: ${options.providers} providers, replication ${options.replication}, ${options.shards} shards, ${options.rounds} rounds, ${runs === 1 ? '' : `${runs} runs, `}${accepted} accepted results, ${transactions} transactions`)
  log(table(['call', 'calls', 'gas/call', 'gas/result', 'of goal', 'functions'], [
    ...CALL_KINDS.map((name) => {
      const g = breakdown[name]
      return [name, String(g.calls), g.calls === 0 ? '-' : k(g.gas / g.calls), k(g.perAcceptedResult), ofGoal(g.perAcceptedResult), g.functions.join(' ') || '-']
    }),
    ['total', String(transactions), transactions === 0 ? '-' : k(gas / transactions), k(result.gasPerAcceptedResult), ofGoal(result.gasPerAcceptedResult), '']
  ]))
  if (runs > 1) log(`each run: ${result.gasPerAcceptedResultByRun.map(k).join(', ')}`)
  log(`goal ${k(GAS_GOAL_PER_RESULT)}: ${result.gasPerAcceptedResult === null ? 'no accepted result' : `${(result.gasPerAcceptedResult / GAS_GOAL_PER_RESULT).toFixed(2)}x the goal`}; ` +
    `${result.transactionsPerAcceptedResult?.toFixed(2) ?? '-'} transactions per result, whose intrinsic gas alone is ${k(result.intrinsicGasPerAcceptedResult)}; setup (create, stake, join) adds ${k(result.setupGasPerAcceptedResult)} over this task`)
  return result
}
