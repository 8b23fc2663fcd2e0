/** The CLI around `runProvider`: flags, the stack file, Ctrl-C, and the exit code. */
import { printHelp, printUsageError } from '../cli/args.ts'
import { readTextFile } from '../cli/stackFile.ts'
import { parseFlags, resolveConfig, USAGE } from './args.ts'
import { Display, type Output } from './display.ts'
import { errorMessage } from '../../src/core/errors.ts'
import { runProvider, type RunOptions } from './run.ts'
import { Shutdown } from './shutdown.ts'

export interface MainIo {
  env: NodeJS.ProcessEnv
  cwd: string
  out: Output
  err: Output
  /** Loop tick override for tests. */
  pollIntervalMs?: number
  /** Receives the shutdown, so a test can request one as Ctrl-C would. */
  onShutdown?: (shutdown: Shutdown) => void
}

/** Exit codes: 0 done or stopped cleanly, 1 failed, 2 bad usage, 130 stopped by a second signal. */
export async function main (argv: readonly string[], io: MainIo): Promise<number> {
  let config
  try {
    const flags = parseFlags(argv)
    if (flags.help) return printHelp(USAGE, io.out)
    config = resolveConfig(flags, { env: io.env, cwd: io.cwd, readStack: readTextFile })
  } catch (error) {
    return printUsageError(error, 'provider', USAGE, io.err)
  }

  const display = new Display(io.out)
  const shutdown = new Shutdown((line) => { display.info(line) })
  io.onShutdown?.(shutdown)
  const onSignal = (name: string): void => {
    if (shutdown.request(`${name} received`) === 'force') {
      display.error('second signal: aborting now')
      process.exit(130)
    }
  }
  const onInt = (): void => { onSignal('SIGINT') }
  const onTerm = (): void => { onSignal('SIGTERM') }
  process.on('SIGINT', onInt)
  process.on('SIGTERM', onTerm)
  try {
    const options: RunOptions = { display, shutdown, ...(io.pollIntervalMs === undefined ? {} : { pollIntervalMs: io.pollIntervalMs }) }
    await runProvider(config, options)
    return 0
  } catch (error) {
    display.error(`provider stopped: ${errorMessage(error)}`)
    return 1
  } finally {
    process.off('SIGINT', onInt)
    process.off('SIGTERM', onTerm)
  }
}
