/** The simulator's command line: `--providers N --byzantine F --attack A --rounds R --aggregator G [--json FILE] [--html FILE]`. */
import type { AggregationSpec } from '../../src/core/taskSpec.ts'
import { ATTACKS, type Attack } from './attacks.ts'
import { intFlag, parseFlags, UsageError } from '../cli/args.ts'

export const AGGREGATORS = { mean: 'mean', trimmed: 'trimmed-mean', median: 'median', clipping: 'centered-clip' } as const satisfies Record<string, AggregationSpec['rule']>
export type AggregatorName = keyof typeof AGGREGATORS

export interface SimulationOptions {
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
  hidden: number[]
  localSteps: number
  batchSize: number
  json?: string
  html?: string
}

export const USAGE = 'usage: npm run simulate -- --providers N --byzantine F --attack noise|signflip|alie|ipm|copy|lazy --rounds R --aggregator mean|trimmed|median|clipping [--shards S] [--replication K] [--hidden 32,32] [--local-steps H] [--batch-size B] [--json FILE] [--html FILE]'

const OPTIONS = {
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
  json: { type: 'string' },
  html: { type: 'string' }
} as const

export function parseArgs (argv: readonly string[]): SimulationOptions {
  let flags: Partial<Record<keyof typeof OPTIONS, string>>
  try {
    flags = parseFlags(argv, OPTIONS)
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`)
  }
  const values = new Map(Object.entries(flags).filter((e): e is [string, string] => e[1] !== undefined))
  const providers = intFlag('providers', values.get('providers') ?? '4', 2, 16)
  const byzantine = intFlag('byzantine', values.get('byzantine') ?? '0', 0, providers - 1)
  const attackText = values.get('attack') ?? (byzantine === 0 ? 'none' : undefined)
  if (attackText === undefined) throw new UsageError(`--byzantine ${byzantine} needs --attack ${ATTACKS.join('|')}`)
  if (attackText !== 'none' && !(ATTACKS as readonly string[]).includes(attackText)) throw new UsageError(`--attack must be one of ${ATTACKS.join(', ')}, got '${attackText}'`)
  const attack = attackText as Attack | 'none'
  if (attack !== 'none' && byzantine === 0) throw new UsageError(`--attack ${attack} needs --byzantine 1 or more`)
  const aggregator = values.get('aggregator') ?? 'mean'
  if (!(aggregator in AGGREGATORS)) throw new UsageError(`--aggregator must be one of ${Object.keys(AGGREGATORS).join(', ')}, got '${aggregator}'`)
  const replication = intFlag('replication', values.get('replication') ?? '2', 1, Math.min(providers, 8))
  const hidden = (values.get('hidden') ?? '32').split(',').map((h) => intFlag('hidden', h, 1, 1024))
  const json = values.get('json')
  const html = values.get('html')
  return {
    providers,
    byzantine,
    attack,
    rounds: intFlag('rounds', values.get('rounds') ?? '3', 1, 100),
    aggregator: aggregator as AggregatorName,
    shards: intFlag('shards', values.get('shards') ?? String(Math.max(1, Math.floor(providers / 2))), 1, 64),
    replication,
    hidden,
    localSteps: intFlag('local-steps', values.get('local-steps') ?? '30', 1, 10_000),
    batchSize: intFlag('batch-size', values.get('batch-size') ?? '32', 1, 4096),
    ...(json === undefined ? {} : { json }),
    ...(html === undefined ? {} : { html })
  }
}
