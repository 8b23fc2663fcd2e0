/**
 * `npm run bench -- round [FLAGS]`: where a round's time goes on the local stack (the simulator, no
 * attack): train, upload, chain, aggregate, waiting, and `overheadRatio`, the round's non-training
 * time over one shard's training (node/simulate/roundSplit.ts), against the goal of 0.25. By default
 * 2 providers train the one shard of each of 2 rounds (replication 2), an MLP of 256x256 for as
 * many local steps as train a shard in about 20 s on this machine (`--shard-seconds`; timed first,
 * on the same model, data and backend; `--local-steps` fixes them instead): the goal is stated for
 * a 20-s shard, and a fixed step count trains 12 to 37 s here as the load moves. The referee is off by default: it audits by training a shard again, in this
 * same thread, where on a network it is a machine of its own. The same run first measures the
 * loop's former order (`pipeline: false`) as its baseline; `--baseline off` leaves it out, and
 * `--trace` prints each provider's steps.
 */
import { loadavg } from 'node:os'
import type { BenchContext } from '../bench.ts'
import { architectureFromSpec } from '../../src/core/architecture.ts'
import { selectSamples } from '../../src/train/data/dataset.ts'
import { initialWeights } from '../../src/train/model.ts'
import { useNodeBackend } from '../../src/train/nodeBackend.ts'
import { trainShard } from '../../src/train/trainShard.ts'
import { choiceFlag, integerFlag } from '../cli/args.ts'
import { FLAGS as SIMULATE_FLAGS, simulationOptions, type SimulationFlags, type SimulationOptions } from '../simulate/args.ts'
import { table } from '../simulate/report.ts'
import { overallRatio, OVERHEAD_GOAL, ROUND_PHASES, roundSplits, type PhaseMark, type RoundSplit } from '../simulate/roundSplit.ts'
import { runSimulation, simulationData, simulationSpec } from '../simulate/run.ts'

const DEFAULTS: SimulationFlags = { providers: '2', shards: '1', replication: '2', rounds: '2', hidden: '256,256', referee: 'off' }
/** The shard's training time the goal is stated for. */
const SHARD_SECONDS = 20

/** Every provider's shard trains in this one thread after the others': a step may wait that long before it runs. */
const STEP_TIMEOUT_MS = 600_000

export const FLAGS = { ...SIMULATE_FLAGS, baseline: { type: 'string' }, trace: { type: 'boolean' }, 'shard-seconds': { type: 'string' } } as const

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
  /** how the local steps were chosen: timed to train a shard in `targetSeconds` (a step took `stepMs` after `fixedMs` of setup), or given */
  calibration: { targetSeconds: number, stepMs: number, fixedMs: number } | 'given'
  hidden: number[]
  /** the loop's former order, measured in the same process just before; absent with --baseline off */
  baseline?: RoundRun
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<RoundResult> {
  const { baseline: baselineFlag, trace, 'shard-seconds': shardSecondsFlag, ...rest } = flags
  let options = simulationOptions({ ...DEFAULTS, ...rest, byzantine: '0', attack: 'none' })
  let calibration: RoundResult['calibration'] = 'given'
  if (rest['local-steps'] === undefined) {
    const targetSeconds = integerFlag('--shard-seconds', shardSecondsFlag ?? String(SHARD_SECONDS), 1, 3600)
    const timed = await stepTime(options)
    calibration = { targetSeconds, ...timed }
    options = { ...options, localSteps: Math.min(10_000, Math.max(1, Math.round((targetSeconds * 1000 - timed.fixedMs) / timed.stepMs))) }
    log(`a local step takes ${timed.stepMs.toFixed(1)} ms after ${timed.fixedMs.toFixed(0)} ms of setup: ${options.localSteps} local steps for a ${targetSeconds}-s shard`)
  }
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
    calibration,
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

/**
 * How long one local step of `options`' model takes here, and the setup around a shard's steps:
 * `trainShard` on the simulator's backend, data and batch size, timed at two lengths after a
 * warm-up (the slope is the step, the rest the setup), as a provider's training is timed.
 */
async function stepTime (options: SimulationOptions): Promise<{ stepMs: number, fixedMs: number }> {
  await useNodeBackend('wasm')
  const { train } = await simulationData(options)
  const spec = simulationSpec(options)
  const architecture = architectureFromSpec(spec.model)
  const weights = await initialWeights(architecture, 1)
  const data = selectSamples(train, Uint32Array.from({ length: Math.min(spec.training.samplesPerShard, train.labels.length) }, (_, i) => i))
  const time = async (localSteps: number): Promise<number> => {
    const started = performance.now()
    await trainShard({ architecture, training: { ...spec.training, localSteps }, weights, data, seed: 1 })
    return performance.now() - started
  }
  await time(20)
  const [short, long] = [await time(50), await time(250)]
  const stepMs = Math.max(0.01, (long - short) / 200)
  return { stepMs, fixedMs: Math.max(0, short - 50 * stepMs) }
}
