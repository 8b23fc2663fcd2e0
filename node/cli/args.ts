/**
 * What the Node CLIs (provider, referee, simulate, bench) share about command lines, so they parse, word
 * their errors and answer `--help` the same way.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { MLBridgeError } from '../../src/core/errors.ts'

/** A bad command line: the CLI prints the message with its usage and exits without running. */
export class UsageError extends MLBridgeError {
  override name = 'UsageError'
  constructor (message: string) {
    super('USAGE', message)
  }
}

export type FlagOptions = NonNullable<ParseArgsConfig['options']>

const HELP = { help: { type: 'boolean', short: 'h', default: false } } as const

export type FlagValues<O extends FlagOptions> = ReturnType<typeof parseArgs<{ options: O & typeof HELP, strict: true, allowPositionals: false }>>['values']

/**
 * `node:util` parseArgs with `--help`/`-h` added. Its strict mode is not used: it refuses a value
 * that starts with a dash (`--byzantine -1`), which should reach the range check instead, and its
 * messages name Node's API rather than the flag; the tokens are checked here instead.
 */
export function parseCommandLine<const O extends FlagOptions> (argv: readonly string[], options: O): FlagValues<O> {
  const known: FlagOptions = { ...options, ...HELP }
  const { values, tokens } = parseArgs({ args: [...argv], options: known, strict: false, allowPositionals: true, tokens: true })
  for (const token of tokens) {
    if (token.kind === 'positional') throw new UsageError(`unexpected argument '${token.value}'`)
    if (token.kind !== 'option') continue
    const type = Object.hasOwn(known, token.name) ? known[token.name]!.type : undefined
    if (type === undefined) throw new UsageError(`unknown option ${token.rawName}`)
    if (type === 'string' && token.value === undefined) throw new UsageError(`${token.rawName} needs a value`)
    if (type === 'boolean' && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value, got '${token.value}'`)
  }
  return values as FlagValues<O>
}

/** A whole number from `min` to `max` (any safe integer when `max` is left out). */
export function integerFlag (flag: string, text: string, min: number, max?: number): number {
  const n = Number(text)
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`
    throw new UsageError(`${flag} must be an integer ${range}, got '${text}'`)
  }
  return n
}

/** A share, from 0 to 1 (`name` a flag or an environment variable). */
export function rateFlag (name: string, text: string): number {
  const rate = Number(text)
  if (text.trim() === '' || !(rate >= 0 && rate <= 1)) throw new UsageError(`${name} must be a number from 0 to 1, got "${text}"`)
  return rate
}

/** A comma-separated list of whole numbers, each from `min` to `max`. */
export function integerListFlag (flag: string, text: string, min: number, max: number): number[] {
  return text.split(',').map((item) => integerFlag(flag, item, min, max))
}

export function choiceFlag<T extends string> (flag: string, text: string, choices: readonly T[]): T {
  if (!(choices as readonly string[]).includes(text)) throw new UsageError(`${flag} must be one of ${choices.join(', ')}, got '${text}'`)
  return text as T
}

/** A comma-separated list, each item one of `choices`. */
export function choiceListFlag<T extends string> (flag: string, text: string, choices: readonly T[]): T[] {
  return text.split(',').map((item) => choiceFlag(flag, item, choices))
}

/** A flag's value that must not be blank (a file name). */
export function nonEmptyFlag (flag: string, value: string): string {
  if (value.trim() === '') throw new UsageError(`${flag} needs a value`)
  return value
}

/** An http(s) URL: an RPC endpoint, an indexer API, a gateway. */
export function httpUrlFlag (flag: string, value: string): string {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`${flag} must be a URL such as http://127.0.0.1:8545, got "${value}"`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${flag} must be an http(s) URL, got "${value}"`)
  return value
}

/** A relay's full multiaddr, its peer ID included: a node dials it and a pinner's receipt is checked against it. */
export function relayFlag (flag: string, value: string): string {
  if (!/^\/(ip4|ip6|dns4|dns6|dnsaddr)\/.+\/p2p\/\w+$/.test(value)) {
    throw new UsageError(`${flag} must be a full multiaddr such as /ip4/127.0.0.1/tcp/4003/ws/p2p/12D3…, got "${value}"`)
  }
  return value
}

export interface Output { write: (text: string) => unknown }

/** `--help`: the usage on stdout; returns the exit code, 0. */
export function printHelp (usage: string, out: Output): number {
  out.write(`${usage}\n`)
  return 0
}

/**
 * A UsageError as `name: message`, a blank line and the usage on stderr; returns the exit code
 * for bad usage, 2. Any other error is thrown on.
 */
export function printUsageError (error: unknown, name: string, usage: string, err: Output): number {
  if (!(error instanceof UsageError)) throw error
  err.write(`${name}: ${error.message}\n\n${usage}\n`)
  return 2
}
