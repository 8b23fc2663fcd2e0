/** The simulator's command line: `--providers N --byzantine F --attack A --rounds R --aggregator G [--json FILE] [--html FILE]`. */
import type { AggregationSpec } from '../../src/core/taskSpec.ts'
import { ATTACKS, type Attack } from './attacks.ts'

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

export class UsageError extends Error {
  override name = 'UsageError'
}

export const USAGE = 'usage: npm run simulate -- --providers N --byzantine F --attack noise|signflip|alie|ipm|copy|lazy --rounds R --aggregator mean|trimmed|median|clipping [--shards S] [--replication K] [--hidden 32,32] [--local-steps H] [--batch-size B] [--json FILE] [--html FILE]'

const int = (flag: string, text: string, min: number, max: number): number => {
  const n = Number(text)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${text}'`)
  return n
}

export function parseArgs (argv: readonly string[]): SimulationOptions {
  const values = new Map<string, string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (!arg.startsWith('--')) throw new UsageError(`unexpected argument '${arg}'\n${USAGE}`)
    const [flag, inline] = arg.slice(2).split('=', 2) as [string, string | undefined]
    const value = inline ?? argv[++i]
    if (value === undefined) throw new UsageError(`--${flag} needs a value\n${USAGE}`)
    values.set(flag, value)
  }
  const known = new Set(['providers', 'byzantine', 'attack', 'rounds', 'aggregator', 'shards', 'replication', 'hidden', 'local-steps', 'batch-size', 'json', 'html'])
  for (const flag of values.keys()) if (!known.has(flag)) throw new UsageError(`unknown option --${flag}\n${USAGE}`)

  const providers = int('providers', values.get('providers') ?? '4', 2, 16)
  const byzantine = int('byzantine', values.get('byzantine') ?? '0', 0, providers - 1)
  const attackText = values.get('attack') ?? (byzantine === 0 ? 'none' : undefined)
  if (attackText === undefined) throw new UsageError(`--byzantine ${byzantine} needs --attack ${ATTACKS.join('|')}`)
  if (attackText !== 'none' && !(ATTACKS as readonly string[]).includes(attackText)) throw new UsageError(`--attack must be one of ${ATTACKS.join(', ')}, got '${attackText}'`)
  const attack = attackText as Attack | 'none'
  if (attack !== 'none' && byzantine === 0) throw new UsageError(`--attack ${attack} needs --byzantine 1 or more`)
  const aggregator = values.get('aggregator') ?? 'mean'
  if (!(aggregator in AGGREGATORS)) throw new UsageError(`--aggregator must be one of ${Object.keys(AGGREGATORS).join(', ')}, got '${aggregator}'`)
  const replication = int('replication', values.get('replication') ?? '2', 1, Math.min(providers, 8))
  const hidden = (values.get('hidden') ?? '32').split(',').map((h) => int('hidden', h, 1, 1024))
  const json = values.get('json')
  const html = values.get('html')
  return {
    providers,
    byzantine,
    attack,
    rounds: int('rounds', values.get('rounds') ?? '3', 1, 100),
    aggregator: aggregator as AggregatorName,
    shards: int('shards', values.get('shards') ?? String(Math.max(1, Math.floor(providers / 2))), 1, 64),
    replication,
    hidden,
    localSteps: int('local-steps', values.get('local-steps') ?? '30', 1, 10_000),
    batchSize: int('batch-size', values.get('batch-size') ?? '32', 1, 4096),
    ...(json === undefined ? {} : { json }),
    ...(html === undefined ? {} : { html })
  }
}
