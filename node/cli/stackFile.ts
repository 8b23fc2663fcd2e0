/**
 * The local stack's `stack.json` as the Node CLIs read it (provider, referee, audit): where it is
 * looked for, and its facts, or a usage error that says where it was looked for and what is wrong.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseStackInfo, type StackInfo } from '../../src/core/networkConfig.ts'
import { UsageError } from './args.ts'

/** Where the stack file is looked for when `--stack` is not given. */
export function defaultStackFile (env: NodeJS.ProcessEnv, cwd: string): string {
  return join(env.MLBRIDGE_DATA_DIR ?? join(cwd, '.mlbridge'), 'stack.json')
}

/** A file's text, or undefined when it does not exist (any other failure is thrown). */
export function readTextFile (file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/** The stack file's facts; `readStack` returns its text, or undefined when it does not exist. */
export function readStackFile (file: string, readStack: (file: string) => string | undefined): StackInfo {
  const text = readStack(file)
  if (text === undefined) throw new UsageError(`no stack file at ${file}: start the local stack (npm start) or pass --stack FILE`)
  try {
    return parseStackInfo(JSON.parse(text) as unknown, file)
  } catch (error) {
    throw new UsageError(`${file} is not a valid stack file: ${error instanceof Error ? error.message : String(error)}`)
  }
}
