import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'

export interface RunningProcess {
  child: ChildProcess
  /** Everything the process printed so far: shown when it dies unexpectedly. */
  output(): string
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()
let exitHook = false

/**
 * Children die with this process even when it exits without running its own shutdown (a crash,
 * `process.exit` from a signal handler, an unhandled rejection): an orphaned anvil would hold its
 * port and the next `npm start` would fail.
 */
function killOnExit (child: ChildProcess): void {
  running.add(child)
  child.once('exit', () => running.delete(child))
  if (exitHook) return
  exitHook = true
  process.once('exit', () => { for (const c of running) c.kill('SIGKILL') })
}

/** Spawns a long-running child whose output is kept (bounded) instead of flooding the terminal. */
export function startProcess (command: string, args: string[], options: SpawnOptions = {}): RunningProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options })
  killOnExit(child)
  let log = ''
  const keep = (chunk: Buffer): void => { log = (log + chunk.toString()).slice(-20_000) }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return {
    child,
    output: () => log,
    async stop () {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000)
      await exited
      clearTimeout(timer)
    }
  }
}

/** Runs a command to completion; a failure or a hang past `timeoutMs` carries the command's own output. */
export async function runCommand (command: string, args: string[], options: SpawnOptions & { timeoutMs?: number } = {}): Promise<string> {
  const { timeoutMs = 300_000, ...spawnOptions } = options
  const proc = startProcess(command, args, spawnOptions)
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    void proc.stop()
  }, timeoutMs)
  const code = await new Promise<number | null>((resolve) => proc.child.once('exit', resolve))
  clearTimeout(timer)
  if (timedOut) throw new Error(`\`${command} ${args.join(' ')}\` did not finish within ${timeoutMs} ms:\n${proc.output()}`)
  if (code !== 0) {
    throw new Error(`\`${command} ${args.join(' ')}\` failed with exit code ${String(code)}:\n${proc.output()}`)
  }
  return proc.output()
}
