import { isIP } from 'node:net'
import { join } from 'node:path'
import { withBitswap } from '@helia/bitswap'
import * as dagCbor from '@ipld/dag-cbor'
import { withLibp2pLight } from '@helia/libp2p'
import { circuitRelayServer, type CircuitRelayService } from '@libp2p/circuit-relay-v2'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { webSockets } from '@libp2p/websockets'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import { createHeliaLight } from 'helia'
import { baseServices, encrypters, muxers } from '../src/p2p/config.ts'
import { createRelayGater } from '../src/p2p/gater.ts'
import { anyWallet, createMessageVerifier, createPinRequestVerifier } from '../src/core/messages/index.ts'
import { chainMembership } from '../src/chain/taskMembership.ts'
import { joinPeerTopics, type GossipHubOptions } from '../src/p2p/gossipHub.ts'
import { startPinService, type PinService, type PinServiceInit } from '../src/p2p/pinService.ts'
import { bitswapWantList, keepWantlistPeers } from '../src/p2p/wantlistKeeper.ts'
import { createTopicGuard, type TopicGuard } from '../src/p2p/topicGuard.ts'
import type { P2PHelia, P2PLibp2p, P2PServices } from '../src/p2p/types.ts'
import type { ReadContext } from '../src/chain/actions/index.ts'
import type { LoggerOptions } from '../src/core/log.ts'
import { operatorLogger } from './observability/log.ts'
import type { OperatorMetrics } from './observability/metrics.ts'
import { createRelayObserver } from './observability/relayObserver.ts'
import { chainPinAuthorizer, PRE_TASK_ID } from './pinAuthorization.ts'
import { versionRebuild } from './versionRebuild.ts'
import { startPinRetention, type PinRetention, type PinRetentionOptions } from './pinRetention.ts'

export const DEFAULT_RELAY_PORT = 4003
/** four wallets' default quotas: a few creators publishing at once, not an open disk */
export const DEFAULT_PRE_TASK_BUDGET_BYTES = 16 * 1024 ** 3

export interface RelayOptions {
  /** an IP address or 'localhost' @default '127.0.0.1' */
  host?: string
  /** 0 picks a free port (tests) @default DEFAULT_RELAY_PORT */
  port?: number
  /** blocks, pins, peer store and the relay's private key live here */
  dataDir: string
  /** concurrent circuit reservations, one per browser tab @default 512 */
  maxReservations?: number
  gossip?: Omit<GossipHubOptions, 'guard'>
  /** accept task messages and pin requests for this chain only; unset: any chain */
  chainId?: number
  /**
   * The chain whose tasks the relay serves: gossip on a task's topics is forwarded only from its
   * creator and providers, pins are allowed only to a live task's creator and providers (unless
   * `pinning.authorize` says otherwise), and released once the task ended and the retention
   * passed. Unset (tests of the network alone): any signed wallet is heard (`anyWallet`) and may
   * pin, for good.
   */
  chain?: ReadContext
  retention?: Pick<PinRetentionOptions, 'retentionSeconds' | 'pollMs' | 'preTaskGraceMs' | 'now'>
  /** limits and authorization of `/mlbridge/pin/1.0.0` */
  pinning?: Pick<PinServiceInit, 'limits' | 'maxDatasetBytes' | 'authorize' | 'maxConcurrent' | 'maxConcurrentOpen' | 'maxAuthorizing' | 'maxPerPeer' | 'quotaBytes' | 'stallTimeoutMs' | 'timeoutMs' | 'leftoverMs'> & {
    /**
     * payload bytes all wallets together may have pinned under task `0` (uploads before
     * `createTask`), what a task adopted not counted: any fresh wallet may pin there, so its
     * per-wallet quota alone would not bound the pinner's disk @default DEFAULT_PRE_TASK_BUDGET_BYTES
     */
    preTaskBudgetBytes?: number
  }
  /** where the relay's and the pinner's lines go and from which level @default stdout, MLBRIDGE_LOG_LEVEL */
  log?: Partial<LoggerOptions>
}

export type RelayServices = P2PServices & { relay: CircuitRelayService }

export interface Relay {
  peerId: string
  /** the WebSocket listen addresses, each ending in /p2p/<peerId> */
  multiaddrs: string[]
  helia: P2PHelia<RelayServices>
  libp2p: P2PLibp2p<RelayServices>
  /** validates the task topics the hub joins; 'rejected' events say what it refused */
  guard: TopicGuard
  pinning: PinService
  /** releases the pins of ended tasks; present when the relay was given a chain */
  retention?: PinRetention
  /** counters since start, for the operator's metrics endpoint */
  metrics: () => Pick<OperatorMetrics, 'relay' | 'pinner'>
  stop: () => Promise<void>
}

/**
 * The local stack's relay and pinner: browsers reach it over WebSockets, use
 * it for WebRTC signalling (circuit relay v2), as a gossip hub, and as an
 * always-on Helia peer whose blockstore and pins are on disk. It never dials
 * out and has no routers or bootstrap list.
 */
export async function startRelay (opts: RelayOptions): Promise<Relay> {
  // a listen multiaddr needs an IP; 'localhost' is what people type
  const host = opts.host == null || opts.host === 'localhost' ? '127.0.0.1' : opts.host
  const ipVersion = isIP(host)
  if (ipVersion === 0) throw new Error(`relay host must be an IP address or 'localhost', got '${host}'`)
  const port = opts.port ?? DEFAULT_RELAY_PORT
  const ipProto = ipVersion === 6 ? 'ip6' : 'ip4'

  const blockstore = new FsBlockstore(join(opts.dataDir, 'blocks'))
  const datastore = new FsDatastore(join(opts.dataDir, 'datastore'))
  await blockstore.open()
  await datastore.open()
  const closeStores = async (): Promise<void> => { await Promise.all([blockstore.close(), datastore.close()]) }
  const observer = createRelayObserver(operatorLogger('relay', opts.log))
  const pinLogger = operatorLogger('pinner', opts.log)

  const libp2pInit = {
    // no privateKey: Helia keeps it in the datastore keychain (/pkcs8/self),
    // so the /p2p/<id> that browsers cached survives restarts of the stack;
    // starting puts the key it loaded here, and it signs the pin receipts
    addresses: { listen: [`/${ipProto}/${host}/tcp/${port}/ws`] },
    transports: [webSockets()],
    connectionEncrypters: encrypters(),
    streamMuxers: muxers(),
    connectionGater: createRelayGater(observer.dialDenied),
    metrics: observer.libp2pMetrics,
    connectionManager: {
      maxConnections: 1024,
      // every tab of a local stack connects from 127.0.0.1, and they all
      // reconnect at once after a restart; the default (5/s per host) would
      // turn most of them away
      inboundConnectionThreshold: 200,
      maxIncomingPendingConnections: 64
    },
    services: {
      ...baseServices(),
      relay: circuitRelayServer({
        // relayed links only carry WebRTC signalling (SDP + ICE, a few KiB),
        // so libp2p's default per-connection limits (2 min, 128 KiB) stay
        reservations: { maxReservations: opts.maxReservations ?? 512 }
      })
    }
  }
  let helia: P2PHelia<RelayServices>
  try {
    helia = withBitswap(withLibp2pLight(createHeliaLight({ blockstore, datastore, codecs: [dagCbor] }), libp2pInit))
    await helia.start()
  } catch (err) {
    await closeStores()
    throw err
  }

  const libp2p = helia.libp2p
  // the pinner fetches what providers upload over the relay's own wantlist
  const stopKeepingWantlist = keepWantlistPeers(libp2p, bitswapWantList(helia))
  const guard = createTopicGuard(libp2p.services.pubsub, createMessageVerifier({ chainId: opts.chainId, membership: opts.chain == null ? anyWallet : chainMembership(opts.chain) }))
  const unwatch = observer.watch(libp2p, guard)
  const leaveHub = joinPeerTopics(libp2p.services.pubsub, { ...opts.gossip, guard })
  const { privateKey } = libp2pInit as { privateKey?: PrivateKey }
  if (privateKey === undefined) throw new Error('relay: libp2p started without exposing its key, so pin receipts cannot be signed')
  const { preTaskBudgetBytes = DEFAULT_PRE_TASK_BUDGET_BYTES, ...pinOptions } = opts.pinning ?? {}
  const pinning = await startPinService({
    ...(opts.chain == null ? {} : { authorize: chainPinAuthorizer(opts.chain) }),
    ...pinOptions,
    taskBudgetBytes: (taskId) => taskId === PRE_TASK_ID ? preTaskBudgetBytes : undefined,
    openTask: (taskId) => taskId === PRE_TASK_ID,
    logger: pinLogger,
    libp2p,
    sign: async (bytes) => await privateKey.sign(bytes),
    blocks: {
      get: (cid, options) => helia.blockstore.get(cid, options),
      put: async (cid, block, options) => await helia.blockstore.put(cid, block, options),
      has: async (cid, options) => await helia.blockstore.has(cid, options),
      // straight from the disk store: Helia's delete also cancels reprovides, which a node
      // without content routers refuses
      delete: async (cid) => {
        if (!await helia.pins.isPinned(cid)) await blockstore.delete(cid)
      },
      // the disk store's own listing too: Helia's holds its blockstore lock for the whole walk
      getAll: (options) => blockstore.getAll(options),
      from: (peer, root) => {
        const session = helia.blockstore.createSession(root, { providers: [peerIdFromString(peer).toCID()], maxProviders: 1 })
        return { get: (cid, options) => session.get(cid, options), close: () => { session.close() } }
      }
    },
    pins: helia.pins,
    verifier: createPinRequestVerifier({ chainId: opts.chainId }),
    ...(opts.chain == null ? {} : { rebuild: versionRebuild({ chain: opts.chain, blocks: helia.blockstore }) })
  })
  const retention = opts.chain == null ? undefined : startPinRetention({ ...opts.retention, chain: opts.chain, pinning, logger: pinLogger })
  const peerId = libp2p.peerId.toString()

  return {
    peerId,
    multiaddrs: libp2p.getMultiaddrs()
      .map(ma => ma.toString())
      .filter(a => a.includes('/ws'))
      .map(a => a.includes('/p2p/') ? a : `${a}/p2p/${peerId}`),
    helia,
    libp2p,
    guard,
    pinning,
    retention,
    metrics: () => ({ relay: observer.metrics(), pinner: pinning.metrics() }),
    stop: async () => {
      retention?.stop()
      stopKeepingWantlist()
      leaveHub()
      await pinning.stop()
      await helia.stop()
      unwatch()
      await closeStores()
    }
  }
}
