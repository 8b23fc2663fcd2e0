/**
 * `npm run bench -- scale [--providers 4,8,16] [--minutes M] [FLAGS]`: the simulator (no attack) at each network
 * size, shards growing with providers (the simulator's default: one per two providers, with
 * replication 2 each provider trains about one shard a round). Each row's per-result and
 * per-provider figures are set against the first row's, measured in the same run: flat means a
 * ratio near 1, and a ratio that grows with providers points at a step that loops over all of them.
 * All providers share this machine's CPUs, so round seconds grow with providers here even when
 * each provider's work does not: provider-seconds per result is the figure that shows it.
 * A size that does not complete within --minutes (default 10) is reported as failed.
 */
import type { BenchContext } from '../bench.ts'
import { integerFlag, integerListFlag, UsageError } from '../cli/args.ts'
import { errorMessage } from '../../src/core/errors.ts'
import { FLAGS as SIMULATE_FLAGS, MAX_PROVIDERS, simulationOptions, type SimulationFlags } from '../simulate/args.ts'
import { CALL_KINDS, FLAT_FIGURES, GAS_GOAL_PER_RESULT, ratios, scaleRow, type FlatFigure, type ScaleRow } from '../simulate/costs.ts'
import { table } from '../simulate/report.ts'
import { runSimulation } from '../simulate/run.ts'

const DEFAULTS: SimulationFlags = { rounds: '2', replication: '2' }

export const FLAGS = { ...SIMULATE_FLAGS, minutes: { type: 'string' } } as const

export type ScaleResultRow = ScaleRow & { vsFirst: Record<FlatFigure, number | null> }

/** A size that did not complete in time: the sizes after it still run, and the JSON says which failed and why. */
export interface FailedSize { providers: number, error: string }

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<{ goal: number, rows: ScaleResultRow[], failed: FailedSize[] }> {
  const { providers: list, minutes, ...rest } = flags
  const timeoutMs = integerFlag('--minutes', minutes ?? '10', 1, 120) * 60_000
  if (rest.shards !== undefined) throw new UsageError('--shards grows with --providers here (one per two providers): leave it out')
  const sizes = integerListFlag('--providers', list ?? '4,8,16', 2, MAX_PROVIDERS)
  const rows: ScaleResultRow[] = []
  const failed: FailedSize[] = []
  for (const providers of sizes) {
    const options = simulationOptions({ ...DEFAULTS, ...rest, providers: String(providers), byzantine: '0', attack: 'none' })
    const report = await runSimulation(options, { log, timeoutMs }).catch((error: unknown) => {
      failed.push({ providers, error: errorMessage(error) })
      log(`${providers} providers: ${errorMessage(error)}`)
    })
    if (report === undefined) continue
    const row = scaleRow(report)
    rows.push({ ...row, vsFirst: ratios(row, rows[0] ?? row) })
    log(JSON.stringify(rows.at(-1)))
  }
  const n = (x: number | null, digits = 0): string => (x === null ? '-' : x.toFixed(digits))
  const vs = (r: ScaleResultRow, k: FlatFigure): string => `x${n(r.vsFirst[k], 2)}`
  log('')
  log(`scale: shards = providers / 2, replication ${rest.replication ?? DEFAULTS.replication}; ratios against the ${rows[0]?.providers ?? '-'}-provider row of this run; gas goal ${GAS_GOAL_PER_RESULT / 1000}k per result`)
  log(table(
    ['providers', 'shards', 'results', 'gas/result', 'vs', 'calls/round', 'calls/result', 'vs', 'KiB/provider/round', 'vs', 'rpc/provider/round', 'vs', 'round s', 'vs', 'provider-s/result', 'vs'],
    rows.map((r) => [
      String(r.providers), String(r.shards), String(r.acceptedResults),
      n(r.gasPerAcceptedResult), vs(r, 'gasPerAcceptedResult'),
      n(r.chainCallsPerRound, 1), n(r.chainCallsPerResult, 2), vs(r, 'chainCallsPerResult'),
      n(r.bytesPerProvider / 1024, 1), vs(r, 'bytesPerProvider'),
      n(r.rpcRequestsPerProvider), vs(r, 'rpcRequestsPerProvider'),
      n(r.roundSeconds, 1), vs(r, 'roundSeconds'),
      n(r.providerSecondsPerResult, 2), vs(r, 'providerSecondsPerResult')
    ])
  ))
  log('gas per accepted result by call kind:')
  log(table(['providers', ...CALL_KINDS], rows.map((r) => [String(r.providers), ...CALL_KINDS.map((k) => n(r.gasPerResultByKind[k]))])))
  const grown = FLAT_FIGURES.filter((k) => rows.some((r) => (r.vsFirst[k] ?? 1) > 1.5))
  for (const f of failed) log(`${f.providers} providers did not complete: ${f.error}`)
  log(grown.length === 0 ? 'every per-result figure within 1.5x of the first row' : `grew past 1.5x of the first row: ${grown.join(', ')}`)
  return { goal: GAS_GOAL_PER_RESULT, rows, failed }
}
