/**
 * `npm run bench -- round [FLAGS]`: where a round's time goes on the local stack (the simulator, no
 * attack): train, upload, chain, aggregate, waiting, and `overheadRatio`, the round's non-training
 * time over one shard's training (node/simulate/roundSplit.ts), against the goal of 0.25. By default
 * 2 providers train the one shard of each of 2 rounds (replication 2), an MLP of 256x256 for
 * enough local steps that a shard trains for about 20 s on a loaded 2-core machine; the run reports
 * what it measured. The referee is off by default: it audits by training a shard again, in this
 * same thread, where on a network it is a machine of its own. The same run first measures the
 * loop's former order (`pipeline: false`) as its baseline; `--baseline off` leaves it out, and
 * `--trace` prints each provider's steps.
 */
import { loadavg } from 'node:os'
import type { BenchContext } from '../bench.ts'
import { choiceFlag } from '../cli/args.ts'
import { FLAGS as SIMULATE_FLAGS, simulationOptions, type SimulationFlags } from '../simulate/args.ts'
import { table } from '../simulate/report.ts'
import { overallRatio, OVERHEAD_GOAL, ROUND_PHASES, roundSplits, type PhaseMark, type RoundSplit } from '../simulate/roundSplit.ts'
import { runSimulation } from '../simulate/run.ts'

const DEFAULTS: SimulationFlags = { providers: '2', shards: '1', replication: '2', rounds: '2', hidden: '256,256', 'local-steps': '1000', referee: 'off' }

/** Every provider's shard trains in this one thread after the others': a step may wait that long before it runs. */
const STEP_TIMEOUT_MS = 600_000

export const FLAGS = { ...SIMULATE_FLAGS, baseline: { type: 'string' }, trace: { type: 'boolean' } } as const

export interface RoundRun {
  pipeline: boolean
  rounds: RoundSplit[]
  /** mean seconds one shard trained */
  shardTrainSeconds: number | null
  overheadRatio: number | null
  /** the 1-minute load average as the run ended */
  loadAverage: number
}

export interface RoundResult extends RoundRun {
  goal: number
  met: boolean
  providers: number
  shards: number
  replication: number
  localSteps: number
  hidden: number[]
  /** the loop's former order, measured in the same process just before; absent with --baseline off */
  baseline?: RoundRun
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<RoundResult> {
  const { baseline: baselineFlag, trace, ...rest } = flags
  const options = simulationOptions({ ...DEFAULTS, ...rest, byzantine: '0', attack: 'none' })
  const measure = async (pipeline: boolean): Promise<RoundRun> => {
    const marks: PhaseMark[][] = Array.from({ length: options.providers }, () => [])
    await runSimulation(options, { log, pipeline, stepTimeoutMs: STEP_TIMEOUT_MS, onPhase: (i, mark) => { marks[i]!.push(mark) } })
    const rounds = roundSplits(marks, Date.now())
    if (trace === true) {
      const t0 = Math.min(...marks.flat().map((m) => m.at))
      marks.forEach((ms, i) => { log(`provider ${i}: ${ms.map((m) => `${((m.at - t0) / 1000).toFixed(2)} ${m.phase}${m.round === undefined ? '' : `@${m.round}`}`).join(', ')}`) })
    }
    const trainings = rounds.reduce((n, r) => n + r.trainings, 0)
    const run: RoundRun = {
      pipeline,
      rounds,
      shardTrainSeconds: trainings === 0 ? null : rounds.reduce((s, r) => s + r.split.train, 0) / trainings,
      overheadRatio: overallRatio(rounds),
      loadAverage: loadavg()[0]!
    }
    report(run, log)
    return run
  }
  const baseline = choiceFlag('--baseline', baselineFlag ?? 'on', ['on', 'off']) === 'on' ? await measure(false) : undefined
  const pipelined = await measure(true)
  const met = pipelined.overheadRatio !== null && pipelined.overheadRatio <= OVERHEAD_GOAL
  const ratio = (r: RoundRun | undefined): string => r?.overheadRatio?.toFixed(3) ?? '-'
  log('')
  log(`overheadRatio ${ratio(pipelined)} (goal <= ${OVERHEAD_GOAL}: ${met ? 'met' : 'missed'})${baseline === undefined ? '' : `; sequential baseline ${ratio(baseline)}`}; ` +
    `one shard trained in ${pipelined.shardTrainSeconds?.toFixed(1) ?? '-'} s; load average ${pipelined.loadAverage.toFixed(2)} (${options.providers} providers, ${options.shards} shards, replication ${options.replication})`)
  return {
    goal: OVERHEAD_GOAL,
    met,
    providers: options.providers,
    shards: options.shards,
    replication: options.replication,
    localSteps: options.localSteps,
    hidden: options.hidden,
    ...pipelined,
    ...(baseline === undefined ? {} : { baseline })
  }
}

function report (run: RoundRun, log: (line: string) => void): void {
  const s = (x: number | null): string => (x === null ? '-' : x.toFixed(1))
  log('')
  log(`${run.pipeline ? 'pipelined' : 'sequential (baseline)'}: seconds of each round's wall time by part (the busiest provider's at each instant)`)
  log(table(
    ['round', 'wall s', ...ROUND_PHASES.map((p) => `${p} s`), 'trainings', 'shard train s', 'overhead s', 'overhead ratio'],
    run.rounds.map((r) => [String(r.round), s(r.seconds), ...ROUND_PHASES.map((p) => s(r.split[p])), String(r.trainings), s(r.shardTrainSeconds), s(r.overheadSeconds), r.overheadRatio?.toFixed(2) ?? '-'])
  ))
}
