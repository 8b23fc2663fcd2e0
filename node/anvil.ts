import { join } from 'node:path'
import { createPublicClient, http } from 'viem'
import { startProcess, type RunningProcess } from './processes.ts'

export interface Anvil {
  rpcUrl: string
  stop(): Promise<void>
}

/** Polls until the RPC answers, failing with anvil's own output if it dies first. */
async function waitForRpc (rpcUrl: string, proc: RunningProcess, timeoutMs: number): Promise<void> {
  const client = createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`anvil exited early:\n${proc.output()}`)
    try {
      await client.getChainId()
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }
  throw new Error(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms:\n${proc.output()}`)
}

export async function startAnvil (opts: { root: string; host: string; port: number; chainId: number }): Promise<Anvil> {
  const bin = join(opts.root, 'node_modules/.bin/anvil')
  const proc = startProcess(bin, ['--host', opts.host, '--port', String(opts.port), '--chain-id', String(opts.chainId)])
  const rpcUrl = `http://${opts.host}:${opts.port}`
  try {
    await waitForRpc(rpcUrl, proc, 30_000)
  } catch (error) {
    await proc.stop()
    throw error
  }
  return { rpcUrl, stop: proc.stop }
}
