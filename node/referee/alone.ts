/**
 * The referee running alone against a network (`npm run referee -- --key-file FILE --deployment
 * FILE`, node/referee/args.ts): the chain over RPC, the tasks' artifacts through the trustless
 * gateway, its evidence reports pinned on the relay's pinner over libp2p (node/referee/network.ts),
 * and its counters on a metrics endpoint of its own. Before anything else it checks that its
 * account holds REFEREE_ROLE: without it every verdict would revert, and the pinner would refuse
 * every report.
 */
import { privateKeyToAccount } from 'viem/accounts'
import { readIsReferee } from '../../src/chain/actions/index.ts'
import { errorMessage } from '../../src/core/errors.ts'
import { gatewayBlocks } from '../../src/storage/index.ts'
import { operatorLogger } from '../observability/log.ts'
import { startMetricsServer } from '../observability/metricsServer.ts'
import { connectReader } from '../provider/chainContext.ts'
import { readKeyFile } from '../provider/keyFile.ts'
import type { RefereeConfig } from './args.ts'
import { startEvidencePinning } from './network.ts'
import { startRefereeService } from './service.ts'

/** Runs until `stopped` resolves with the reason; exit code 0 once stopped, 1 when it could not start. */
export async function runAlone (config: RefereeConfig, stopped: Promise<string>): Promise<number> {
  const logger = operatorLogger('referee')
  // each part started is stopped in reverse, whether the start got through or not
  const stops: Array<() => Promise<void>> = []
  const stopAll = async (): Promise<void> => { for (const stop of stops.reverse()) await stop().catch(() => {}) }
  try {
    const { key, warnings } = await readKeyFile(config.keyFile)
    for (const warning of warnings) logger.warn('key file', { reason: warning })
    const account = privateKeyToAccount(key)
    const chain = await connectReader({ rpcUrl: config.rpcUrl, chainId: config.chainId, contracts: config.contracts, deploymentBlock: config.deploymentBlock, pollingInterval: 500 })
    if (!await readIsReferee(chain, { account: account.address })) {
      throw new Error(`account ${account.address} does not hold REFEREE_ROLE on the ConsensusVerifier at ${config.contracts.ConsensusVerifier} (chain ${config.chainId}): its verdicts would revert`)
    }
    const pinning = await startEvidencePinning({ relays: config.relays, chainId: config.chainId, chain, account })
    stops.push(pinning.stop)
    const service = await startRefereeService({
      chain,
      rpcUrl: config.rpcUrl,
      account,
      blocks: gatewayBlocks({ baseUrl: config.gateway }),
      pinning,
      ...(config.auditRate === undefined ? {} : { auditRate: config.auditRate })
    })
    stops.push(service.stop)
    const metrics = config.metricsPort === undefined ? undefined : await startMetricsServer({ port: config.metricsPort, collect: () => ({ referee: service.metrics() }) })
    if (metrics !== undefined) stops.push(metrics.stop)
    logger.info('started', {
      pid: process.pid, account: account.address, chainId: config.chainId, rpc: config.rpcUrl, gateway: config.gateway, relays: config.relays, peerId: pinning.peerId,
      metrics: metrics === undefined ? null : `${metrics.url}/metrics`
    })
  } catch (error) {
    await stopAll()
    logger.error('failed', { reason: errorMessage(error) })
    return 1
  }
  const reason = await stopped
  await stopAll()
  logger.info('stopped', { reason })
  return 0
}
