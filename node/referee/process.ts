/**
 * The stack's side of the referee process (node/referee/main.ts): forks it, hands it its settings
 * and key, keeps its evidence reports on the pinner, passes its counters to the metrics endpoint,
 * and restarts it when it dies.
 *
 * A referee that fails to start fails the stack's start: the settings are wrong, and a stack that
 * came up without its referee would leave every split shard unsettled. One that dies later is
 * restarted, after 1 s, then twice as long after each failed try up to 30 s, like a service
 * manager's `Restart=on-failure`: the rest of the stack (a volunteer's open tabs, a running task)
 * is worth keeping, the referee reads the chain from its start again, and every death and restart
 * is an error line of its own, so the gap shows in the log and in the metrics (no `referee` counters
 * while it is down).
 */
import { join } from 'node:path'
import type { Address } from 'viem'
import type { PinService } from '../../src/p2p/pinService.ts'
import type { Logger } from '../../src/core/log.ts'
import type { RefereeMetrics } from '../observability/metrics.ts'
import { startProcess, type RunningProcess } from '../processes.ts'
import type { RefereeStart, RefereeToStack, StackToReferee } from './ipc.ts'

export interface RefereeProcessOptions {
  /** the repository root, where `node_modules/tsx` is */
  root: string
  settings: Omit<RefereeStart, 'type'>
  /** the account of `settings.privateKey`, named on the evidence the pinner keeps */
  address: Address
  /** the pinner that keeps the evidence reports */
  pinning: Pick<PinService, 'keep'>
  /** the supervisor's own lines: deaths and restarts */
  logger: Logger
  /** receives the child's output as it comes (its JSON log lines on stdout) @default the stack's own stdout and stderr */
  write?: (chunk: string, from: 'stdout' | 'stderr') => void
  /** first restart delay, doubled after each failed try @default 1000 */
  restartMs?: number
  /** @default 30_000 */
  maxRestartMs?: number
  /** how long the child may take from fork to `ready` @default 120_000 */
  readyTimeoutMs?: number
}

export interface RefereeProcess {
  /** the running child's process id; undefined while it is down */
  pid: () => number | undefined
  /** its last counters; undefined while it is down */
  metrics: () => RefereeMetrics | undefined
  /** stops the child (SIGTERM, SIGKILL after 5 s) and any restart still due */
  stop: () => Promise<void>
}

/** A run that lasted this long was healthy: the next death restarts after the first delay again. */
const HEALTHY_RUN_MS = 60_000

export async function startRefereeProcess (opts: RefereeProcessOptions): Promise<RefereeProcess> {
  const first = opts.restartMs ?? 1000
  const max = opts.maxRestartMs ?? 30_000
  let current: RunningProcess | undefined
  let metrics: RefereeMetrics | undefined
  let stopping = false
  let delay = first
  let timer: NodeJS.Timeout | undefined

  /** Forks the child and resolves once it runs; rejects, with its output, if it dies or hangs first. */
  const launch = async (): Promise<RunningProcess> => {
    const proc = startProcess(process.execPath, ['--import', 'tsx', '--import', './node/polyfills.ts', join('node', 'referee.ts')], {
      cwd: opts.root, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], serialization: 'advanced'
    })
    const write = opts.write ?? ((chunk: string, from: 'stdout' | 'stderr') => { process[from].write(chunk) })
    proc.child.stdout?.on('data', (chunk: Buffer) => { write(chunk.toString(), 'stdout') })
    proc.child.stderr?.on('data', (chunk: Buffer) => { write(chunk.toString(), 'stderr') })
    // a message the child can no longer take is lost with it: its exit is what gets reported
    const send = (message: StackToReferee): void => { if (proc.child.connected) proc.child.send(message, () => {}) }
    proc.child.on('message', (message: RefereeToStack) => {
      if (message.type === 'hello') send({ type: 'start', ...opts.settings })
      if (message.type === 'metrics') metrics = message.metrics
      if (message.type !== 'keep') return
      opts.pinning.keep(message.taskId, message.bytes, { kind: 'evidence', by: opts.address }).then(
        (cid) => { send({ type: 'kept', id: message.id, cid: cid.toString() }) },
        (error: unknown) => { send({ type: 'keepFailed', id: message.id, reason: error instanceof Error ? error.message : String(error) }) }
      )
    })
    const timeoutMs = opts.readyTimeoutMs ?? 120_000
    try {
      await new Promise<void>((resolve, reject) => {
        const hung = setTimeout(() => { reject(new Error(`the referee process did not start within ${timeoutMs} ms`)) }, timeoutMs)
        proc.child.on('message', (message: RefereeToStack) => {
          if (message.type !== 'ready') return
          clearTimeout(hung)
          resolve()
        })
        proc.child.once('exit', (code, signal) => {
          clearTimeout(hung)
          reject(new Error(`the referee process exited before it was ready (${signal ?? `exit code ${String(code)}`})`))
        })
        proc.child.once('error', (error) => {
          clearTimeout(hung)
          reject(new Error(`the referee process did not start (${error.message})`))
        })
      })
    } catch (error) {
      await proc.stop()
      throw new Error(`${(error as Error).message}:\n${proc.output()}`)
    }
    const started = performance.now()
    proc.child.once('exit', (code, signal) => {
      current = undefined
      metrics = undefined
      if (stopping) return
      if (performance.now() - started >= HEALTHY_RUN_MS) delay = first
      opts.logger.error('referee exited', { pid: proc.child.pid, code, signal, restartInMs: delay })
      restartLater()
    })
    return proc
  }

  /** Launches again after `delay`, and doubles it for the next death unless this run proves healthy. */
  const restartLater = (): void => {
    timer = setTimeout(() => {
      timer = undefined
      if (stopping) return
      launch().then((proc) => {
        if (stopping) {
          void proc.stop()
          return
        }
        current = proc
        opts.logger.info('referee restarted', { pid: proc.child.pid })
      }, (error: unknown) => {
        opts.logger.error('referee restart failed', { reason: (error as Error).message.split('\n')[0], restartInMs: delay })
        restartLater()
      })
    }, delay)
    delay = Math.min(delay * 2, max)
  }

  current = await launch()
  return {
    pid: () => current?.child.pid,
    metrics: () => metrics,
    stop: async () => {
      stopping = true
      clearTimeout(timer)
      const proc = current
      if (proc === undefined) return
      // 'close' comes after 'exit' once the child's output is read: its last line (`stopped`) too
      const closed = new Promise((resolve) => proc.child.once('close', resolve))
      await proc.stop()
      await closed
    }
  }
}
