/**
 * What every command line here shares: flags parsed strictly by `node:util` `parseArgs`, one
 * `UsageError` (exit code 2) whose message names the flag at fault, and range-checked numbers.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { MLBridgeError } from '../../src/core/errors.ts'

export class UsageError extends MLBridgeError {
  override name = 'UsageError'
  constructor (message: string) {
    super('USAGE', message)
  }
}

type Options = NonNullable<ParseArgsConfig['options']>

/** Parses flags (no positionals); unknown or malformed flags become a UsageError. */
export function parseFlags<const O extends Options> (argv: readonly string[], options: O): ReturnType<typeof parseArgs<{ args: string[], options: O, strict: true, allowPositionals: false }>>['values'] {
  try {
    return parseArgs({ args: [...argv], options, strict: true, allowPositionals: false }).values
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const unknown = /Unknown option '([^']+)'/.exec(message)
    throw new UsageError(unknown === null ? message.split('.')[0] ?? message : `unknown option ${unknown[1] ?? ''}`)
  }
}

/** An integer flag within [min, max]. */
export function intFlag (flag: string, text: string, min: number, max: number): number {
  const n = Number(text)
  if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`--${flag} must be an integer from ${min} to ${max}, got '${text}'`)
  return n
}
