/**
 * `npm run referee`, in a process of its own either way. `npm start` forks it with no flags and an
 * IPC channel (node/referee/process.ts), so re-executing a shard on the CPU never stalls the relay,
 * the pinner or the gateway, and a crash of the referee takes nothing else down: it gets its
 * settings and key in the stack's first message and keeps its evidence reports on the stack's
 * pinner through that channel (node/referee/ipc.ts). With flags it runs alone against any network
 * (node/referee/alone.ts).
 */
import { CID } from 'multiformats/cid'
import { createPublicClient } from 'viem'
import { rpcTransport } from '../../src/chain/rpcTransport.ts'
import { privateKeyToAccount } from 'viem/accounts'
import { protocolChain } from '../../src/chain/chain.ts'
import { deploymentOf } from '../../src/chain/contracts.ts'
import { gatewayBlocks } from '../../src/storage/index.ts'
import { printHelp, printUsageError, type Output } from '../cli/args.ts'
import { readTextFile } from '../cli/stackFile.ts'
import { operatorLogger } from '../observability/log.ts'
import { runAlone } from './alone.ts'
import { parseRefereeFlags, resolveRefereeConfig, USAGE, type RefereeConfig } from './args.ts'
import type { RefereeStart, RefereeToStack, StackToReferee } from './ipc.ts'
import { startRefereeService } from './service.ts'

/** Counters go to the stack this often; its metrics endpoint shows the last ones. */
const METRICS_INTERVAL_MS = 1000

export async function main (argv: readonly string[], io: { env: NodeJS.ProcessEnv, cwd: string, out: Output, err: Output }): Promise<number> {
  if (argv.length === 0 && process.send !== undefined) return await underStack()
  let config: RefereeConfig
  try {
    const flags = parseRefereeFlags(argv)
    if (flags.help) return printHelp(USAGE, io.out)
    config = resolveRefereeConfig(flags, { env: io.env, cwd: io.cwd, readFile: readTextFile })
  } catch (error) {
    return printUsageError(error, 'referee', USAGE, io.err)
  }
  return await runAlone(config, new Promise((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'))
    process.once('SIGTERM', () => resolve('SIGTERM'))
  }))
}

/** The referee as `npm start` runs it: everything comes from the stack over the IPC channel. */
async function underStack (): Promise<number> {
  // Ctrl-C reaches the whole process group: the stack hears it too and stops this process with
  // SIGTERM once the parts that depend on it are down, so SIGINT alone is not a reason to stop.
  process.on('SIGINT', () => {})
  const send = (message: RefereeToStack): void => { process.send?.(message) }
  const logger = operatorLogger('referee')
  const start = await new Promise<RefereeStart | undefined>((resolve) => {
    process.once('disconnect', () => resolve(undefined))
    process.once('message', (message: StackToReferee) => resolve(message.type === 'start' ? message : undefined))
    send({ type: 'hello' })
  })
  if (start === undefined) {
    logger.error('failed', { reason: 'the stack sent no settings' })
    return 1
  }

  // Each evidence report waits for the pinner's answer before its verdict goes on chain.
  const kept = new Map<number, { resolve: (cid: CID) => void, reject: (error: Error) => void }>()
  let nextId = 0
  process.on('message', (message: StackToReferee) => {
    if (message.type !== 'kept' && message.type !== 'keepFailed') return
    const waiting = kept.get(message.id)
    kept.delete(message.id)
    if (message.type === 'kept') waiting?.resolve(CID.parse(message.cid))
    else waiting?.reject(new Error(`the stack's pinner did not keep the evidence report: ${message.reason}`))
  })

  const account = privateKeyToAccount(start.privateKey)
  const chain = {
    publicClient: createPublicClient({ chain: protocolChain({ chainId: start.chainId, rpcUrl: start.rpcUrl }), transport: rpcTransport(start.rpcUrl), pollingInterval: 500 }),
    ...deploymentOf({ contracts: start.contracts, deploymentBlock: start.deploymentBlock })
  }
  const service = await startRefereeService({
    chain,
    rpcUrl: start.rpcUrl,
    account,
    blocks: gatewayBlocks({ baseUrl: start.gateway }),
    pinning: {
      keep: async (taskId, bytes) => await new Promise((resolve, reject) => {
        const id = nextId++
        kept.set(id, { resolve, reject })
        send({ type: 'keep', id, taskId, bytes })
      })
    },
    ...(start.auditRate === undefined ? {} : { auditRate: start.auditRate })
  })
  send({ type: 'ready', address: account.address })
  logger.info('started', { pid: process.pid, account: account.address })
  const metrics = setInterval(() => { send({ type: 'metrics', metrics: service.metrics() }) }, METRICS_INTERVAL_MS)
  send({ type: 'metrics', metrics: service.metrics() })

  const reason = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    // the stack is gone (killed, crashed): nobody would see a verdict's evidence kept
    process.once('disconnect', () => resolve('the stack closed the IPC channel'))
  })
  clearInterval(metrics)
  for (const waiting of kept.values()) waiting.reject(new Error(`the referee is stopping (${reason})`))
  await service.stop()
  logger.info('stopped', { reason })
  return 0
}
