/** The simulator's command line: `--providers N --byzantine F --attack A --rounds R --aggregator G [--json FILE] [--html FILE]`. */
import type { AggregationSpec } from '../../src/core/taskSpec.ts'
import { ATTACKS, type Attack } from './attacks.ts'
import { choiceFlag, integerFlag, integerListFlag, UsageError, type FlagOptions } from '../cli/args.ts'

/** Each provider is a libp2p + Helia node and a provider loop in this one process: more would measure the machine. */
export const MAX_PROVIDERS = 32

export const AGGREGATORS = { mean: 'mean', trimmed: 'trimmed-mean', median: 'median', clipping: 'centered-clip' } as const satisfies Record<string, AggregationSpec['rule']>
export type AggregatorName = keyof typeof AGGREGATORS

export const SIMULATION_TASKS = ['mnist', 'lm'] as const
/** How deltas are encoded: the protocol's default int8, or top-k of 1% per 4,096-value chunk with 2- or 4-bit values. */
export const CODECS = ['int8', 'topk2', 'topk4'] as const
export type Codec = typeof CODECS[number]
export type SimulationTask = typeof SIMULATION_TASKS[number]

export interface SimulationOptions {
  /** mnist: an MLP on the bundled digits; lm: the tiny character transformer on Moby Dick */
  task: SimulationTask
  providers: number
  byzantine: number
  /** 'none' when `byzantine` is 0 */
  attack: Attack | 'none'
  rounds: number
  aggregator: AggregatorName
  /** shards per round (default: one per two providers, at least 1) */
  shards: number
  /** replicas that train each shard (default 2) */
  replication: number
  codec: Codec
  /** top-k codecs: the fraction of every chunk kept @default 0.01 */
  topkFraction?: number
  /** the MLP's hidden widths (mnist only) */
  hidden: number[]
  localSteps: number
  batchSize: number
  /** appended to the task's root seed: another sampling order and initial model for the same shape */
  seed?: string
  /** a referee settles split shards (account 8, which then trains for no one) @default true */
  referee: boolean
  /** run the attack matrix (node/simulate/matrix.ts) instead of one attack */
  matrix: boolean
  json?: string
  html?: string
}

export const USAGE = `usage: npm run simulate -- [--task mnist|lm] --providers N [--byzantine F --attack ${ATTACKS.join('|')} | --matrix] --rounds R --aggregator mean|trimmed|median|clipping [--shards S] [--replication K] [--hidden 32,32] [--local-steps H] [--batch-size B] [--referee on|off] [--codec C] [--seed S] [--json FILE] [--html FILE]
  --codec int8|topk2|topk4: how deltas are encoded (top-k keeps 1% of every 4,096-value chunk, 2- or 4-bit values)
  --topk-fraction F: the share of every chunk a top-k codec keeps (default 0.01)
  --seed S: appended to the task's seed (another sample order and initial model for the same shape)
  --byzantine F: how many providers attack, a count (2) or a share of the providers (0.25)
  --attack: noise (random, honest norm), signflip, alie, ipm (update attacks); copy (replays another replica's commitment and reveal),
    lazy (zero or last round's delta), noshow (never commits), withhold (commits, never reveals), junk (random fingerprint),
    poison (pins sign-flipped bytes under the honest fingerprint), sniff (commits another replica's announced sealed delta and
    reveals its fingerprint), stale (proposes on an old parent and for the previous round), sketch (reversed delta built to keep the
    honest sketch under a guessed fingerprint seed), sybilchallenge (bonded challenges of honest results and versions), spam (a hostile
    creator: junk tasks, never joins), sybil (one whale's accounts reveal one sign-flipped delta where two are drawn together,
    and do not show where drawn alone, to redraw), collude (the
    ring proposes the reversed version and signs only it)
  --task lm: the tiny character transformer on Moby Dick instead of an MLP on MNIST; the report adds trafficRatio (synchronous
    data-parallel bytes over ours), valLoss, centralValLoss and denseDilocoValLoss (float32 deltas, no compression, in process)
  --matrix: an honest run, then every attack at 25% and 49% of the providers (default --providers 8 --aggregator trimmed
    --local-steps 100); --json writes one row per attack and share`

/** Every flag is a string here: defaults and ranges depend on other flags, so they are applied in simulationOptions. */
export const FLAGS = {
  task: { type: 'string' },
  codec: { type: 'string' },
  'topk-fraction': { type: 'string' },
  providers: { type: 'string' },
  byzantine: { type: 'string' },
  attack: { type: 'string' },
  rounds: { type: 'string' },
  aggregator: { type: 'string' },
  shards: { type: 'string' },
  replication: { type: 'string' },
  hidden: { type: 'string' },
  'local-steps': { type: 'string' },
  'batch-size': { type: 'string' },
  referee: { type: 'string' },
  seed: { type: 'string' },
  matrix: { type: 'boolean' },
  json: { type: 'string' },
  html: { type: 'string' }
} as const satisfies FlagOptions

export type SimulationFlags = Partial<Record<Exclude<keyof typeof FLAGS, 'matrix'>, string>> & { matrix?: boolean }

/** How many of `providers` attack at `share`: at least one, at most all but one (floor of the product). */
export function byzantineCount (share: number, providers: number): number {
  return Math.min(providers - 1, Math.max(1, Math.floor(share * providers)))
}

/** `--byzantine`: a count, or a share of the providers (0 < F < 1; at least one of them, floor of the product). */
function byzantineFlag (text: string, providers: number): number {
  if (/^0?\.\d+$/.test(text)) {
    const share = Number(text)
    if (share <= 0 || share >= 1) throw new UsageError(`--byzantine as a share must be between 0 and 1, got '${text}'`)
    return byzantineCount(share, providers)
  }
  return integerFlag('--byzantine', text, 0, providers - 1)
}

/**
 * The matrix's own defaults: with 4 providers 25% and 49% would both be one attacker, and the
 * rows in BENCHMARKS.md are of this shape.
 */
export const MATRIX_DEFAULTS = { providers: '8', aggregator: 'trimmed', 'local-steps': '100' } as const satisfies SimulationFlags

function topkFraction (values: SimulationFlags): { topkFraction?: number } {
  const text = values['topk-fraction']
  if (text === undefined) return {}
  const fraction = Number(text)
  if (!(fraction > 0 && fraction <= 1)) throw new UsageError(`--topk-fraction must be a number in (0, 1], got '${text}'`)
  if (values.codec === undefined || values.codec === 'int8') throw new UsageError('--topk-fraction needs --codec topk2 or topk4')
  return { topkFraction: fraction }
}

/** The character transformer learns with small batches of long windows and more rounds. */
export const LM_DEFAULTS = { 'local-steps': '40', 'batch-size': '16', rounds: '10' } as const satisfies SimulationFlags

export function simulationOptions (given: SimulationFlags): SimulationOptions {
  const matrix = given.matrix === true
  const task = choiceFlag('--task', given.task ?? 'mnist', SIMULATION_TASKS)
  if (matrix && task !== 'mnist') throw new UsageError('--matrix runs on the MNIST task: leave out --task')
  if (task === 'lm' && given.hidden !== undefined) throw new UsageError('--hidden sizes the MNIST MLP; --task lm trains the tiny character transformer')
  const values: SimulationFlags = matrix ? { ...MATRIX_DEFAULTS, ...given } : task === 'lm' ? { ...LM_DEFAULTS, ...given } : given
  const providers = integerFlag('--providers', values.providers ?? '4', 2, MAX_PROVIDERS)
  if (matrix && (values.byzantine !== undefined || values.attack !== undefined)) throw new UsageError('--matrix runs every attack at 25% and 49%: leave out --byzantine and --attack')
  if (matrix && values.html !== undefined) throw new UsageError('--html draws one run; --matrix writes its rows with --json')
  const byzantine = byzantineFlag(values.byzantine ?? '0', providers)
  const attackText = values.attack ?? (byzantine === 0 ? 'none' : undefined)
  if (attackText === undefined) throw new UsageError(`--byzantine ${byzantine} needs --attack ${ATTACKS.join('|')}`)
  const attack = attackText === 'none' ? 'none' : choiceFlag('--attack', attackText, ATTACKS)
  if (attack !== 'none' && byzantine === 0) throw new UsageError(`--attack ${attack} needs --byzantine 1 or more`)
  const aggregator = choiceFlag('--aggregator', values.aggregator ?? 'mean', Object.keys(AGGREGATORS) as AggregatorName[])
  const replication = integerFlag('--replication', values.replication ?? '2', 1, Math.min(providers, 8))
  const hidden = integerListFlag('--hidden', values.hidden ?? '32', 1, 1024)
  const { json, html } = values
  return {
    task,
    codec: choiceFlag('--codec', values.codec ?? 'int8', CODECS),
    ...topkFraction(values),
    providers,
    byzantine,
    attack,
    rounds: integerFlag('--rounds', values.rounds ?? '3', 1, 1000),
    aggregator,
    shards: integerFlag('--shards', values.shards ?? String(Math.max(1, Math.floor(providers / 2))), 1, 64),
    replication,
    hidden,
    localSteps: integerFlag('--local-steps', values['local-steps'] ?? '30', 1, 10_000),
    batchSize: integerFlag('--batch-size', values['batch-size'] ?? '32', 1, 4096),
    referee: choiceFlag('--referee', values.referee ?? 'on', ['on', 'off']) === 'on',
    ...(values.seed === undefined ? {} : { seed: values.seed }),
    matrix,
    ...(json === undefined ? {} : { json }),
    ...(html === undefined ? {} : { html })
  }
}
