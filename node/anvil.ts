import { join } from 'node:path'
import { createPublicClient, http } from 'viem'
import { startProcess, type RunningProcess } from './processes.ts'

export interface Anvil {
  rpcUrl: string
  /** the same port over WebSocket, which anvil serves beside HTTP */
  wsUrl: string
  stop(): Promise<void>
}

const LISTENING = /Listening on [^\s:]+:(\d+)/

/**
 * Waits until anvil says where it listens and the RPC answers, failing with anvil's own output if
 * it dies first. With port 0 anvil picks the port itself, which (unlike probing for a free port
 * first) cannot race another process for it.
 */
async function waitForRpc (host: string, proc: RunningProcess, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`anvil exited early:\n${proc.output()}`)
    const port = LISTENING.exec(proc.output())?.[1]
    if (port !== undefined) {
      const rpcUrl = `http://${host}:${port}`
      try {
        await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getChainId()
        return rpcUrl
      } catch {}
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`anvil did not answer within ${timeoutMs} ms:\n${proc.output()}`)
}

/** Starts anvil on `port` (0: a port anvil picks), failing after `timeoutMs` (30 s) without an answer. */
export async function startAnvil (opts: { root: string; host: string; port: number; chainId: number; timeoutMs?: number }): Promise<Anvil> {
  const bin = join(opts.root, 'node_modules/.bin/anvil')
  const proc = startProcess(bin, [
    '--host', opts.host, '--port', String(opts.port), '--chain-id', String(opts.chainId),
    // Transactions are mined at once, and an empty block every second keeps chain time moving as
    // on a real chain: task windows close while nobody sends a transaction.
    '--block-time', '1', '--mixed-mining'
  ])
  try {
    const rpcUrl = await waitForRpc(opts.host, proc, opts.timeoutMs ?? 30_000)
    return { rpcUrl, wsUrl: rpcUrl.replace(/^http:/, 'ws:'), stop: proc.stop }
  } catch (error) {
    await proc.stop()
    throw error
  }
}
