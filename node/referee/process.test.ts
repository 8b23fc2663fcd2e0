/**
 * The stack's referee runs as a process of its own: forked with its key, on a real local chain
 * (anvil and the deployed contracts), its counters passed back for the metrics endpoint, its
 * JSON lines its own, stopped with the stack, and restarted when it dies.
 */
import { toHex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { createLogger } from '../../src/core/log.ts'
import { devAccount } from '../../src/chain/devAccounts.ts'
import { startLocalChain, type LocalChain } from '../testing/localChain.ts'
import { waitFor } from '../testing/waitFor.ts'
import { startRefereeProcess, type RefereeProcessOptions } from './process.ts'
import { processAlive as alive } from '../testing/processAlive.ts'

const root = new URL('../..', import.meta.url).pathname
const REFEREE = devAccount(8)

let local: LocalChain
const level = process.env.MLBRIDGE_LOG_LEVEL

beforeAll(async () => {
  local = await startLocalChain()
  // the child inherits it: its `started` and `stopped` lines are info
  process.env.MLBRIDGE_LOG_LEVEL = 'info'
}, 120_000)

afterAll(async () => {
  process.env.MLBRIDGE_LOG_LEVEL = level
  await local?.stop()
})

/** The options the stack passes, with the child's output and the supervisor's lines captured. */
function options (overrides: Partial<RefereeProcessOptions['settings']> = {}): RefereeProcessOptions & { output: string[], supervisor: Array<Record<string, unknown>> } {
  const output: string[] = []
  const supervisor: Array<Record<string, unknown>> = []
  return {
    root,
    // no dispute arises on this chain, so nothing is read from the gateway or kept on the pinner
    settings: { rpcUrl: local.rpcUrl, chainId: LOCAL_CHAIN_ID, contracts: local.contracts, gateway: 'http://127.0.0.1:9', privateKey: toHex(REFEREE.getHdKey().privateKey!), ...overrides },
    address: REFEREE.address,
    pinning: { keep: async () => { throw new Error('no evidence expected') } },
    logger: createLogger('stack', { level: 'info', write: (line) => { supervisor.push(JSON.parse(line) as Record<string, unknown>) } }),
    write: (chunk) => { output.push(chunk) },
    restartMs: 100,
    output,
    supervisor
  }
}

/** The child's JSON lines, parsed. */
const lines = (output: string[]): Array<Record<string, unknown>> => output.join('').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)

describe('the referee process', () => {
  it('runs apart from the stack with the referee\'s key, passes its counters back and stops with the stack', async () => {
    const opts = options()
    const referee = await startRefereeProcess(opts)
    const pid = referee.pid()!
    try {
      expect(pid).toBeGreaterThan(0)
      expect(pid).not.toBe(process.pid)
      expect(alive(pid)).toBe(true)
      await waitFor('the referee\'s counters', () => referee.metrics() !== undefined)
      expect(referee.metrics()).toMatchObject({ disputes: 0, verdicts: 0, failures: 0, reexecutions: { count: 0, totalMs: 0 } })
      await waitFor('the referee\'s started line', () => lines(opts.output).some((l) => l.event === 'started'))
      expect(lines(opts.output).find((l) => l.event === 'started')).toMatchObject({ component: 'referee', level: 'info', pid, account: REFEREE.address })
    } finally {
      await referee.stop()
    }
    expect(alive(pid)).toBe(false)
    expect(referee.pid()).toBeUndefined()
    expect(lines(opts.output).find((l) => l.event === 'stopped')).toMatchObject({ component: 'referee', reason: 'SIGTERM' })
    expect(opts.supervisor).toEqual([])
  }, 120_000)

  it('logs a referee that dies and starts it again', async () => {
    const opts = options()
    const referee = await startRefereeProcess(opts)
    const first = referee.pid()!
    try {
      process.kill(first, 'SIGKILL')
      await waitFor('a restarted referee', () => referee.pid() !== undefined && referee.pid() !== first, 60_000)
      expect(alive(first)).toBe(false)
      expect(opts.supervisor[0]).toMatchObject({ component: 'stack', level: 'error', event: 'referee exited', pid: first, signal: 'SIGKILL', restartInMs: 100 })
      expect(opts.supervisor[1]).toMatchObject({ component: 'stack', level: 'info', event: 'referee restarted', pid: referee.pid() })
      await waitFor('the restarted referee\'s counters', () => referee.metrics() !== undefined)
    } finally {
      await referee.stop()
    }
  }, 120_000)

  it('fails the start, with the child\'s own words, when the referee cannot start', async () => {
    await expect(startRefereeProcess(options({ privateKey: '0x1234' }))).rejects.toThrow(/the referee process exited before it was ready \(exit code 1\):\n[\s\S]*private key/i)
  }, 120_000)
})
