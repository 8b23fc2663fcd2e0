import { withBitswap } from '@helia/bitswap'
import * as dagCbor from '@ipld/dag-cbor'
import { withLibp2pLight } from '@helia/libp2p'
import { createHeliaLight } from 'helia'
import { groupByPeerId, relayEndpointsOf } from './addresses.ts'
import { baseServices, clientListenAddrs, clientTransports, encrypters, muxers } from './config.ts'
import { createConnectionGater } from './gater.ts'
import { keepRelaysConnected, type RelayKeeper, type RelayKeeperOptions } from './relayKeeper.ts'
import { createMessageVerifier, type TaskMembership } from '../core/messages/index.ts'
import { createStorage, type Storage } from '../storage/index.ts'
import { startLocalRetention, type LocalBlocks, type LocalRetention, type LocalRetentionOptions, type SweepOutcome } from '../storage/localRetention.ts'
import { serveBlobs } from './blobStream.ts'
import { Emitter } from '../core/events.ts'
import { watchNetwork } from './status.ts'
import { joinTask, type TaskChannel, type TaskChannelInit } from './taskChannel.ts'
import type { ByteMeter } from './byteMeter.ts'
import { createTopicGuard, type TopicGuard } from './topicGuard.ts'
import { openStores, type StorageChoice } from './stores.ts'
import type { JoinedTask } from './taskPeers.ts'
import { bitswapWantList, keepWantlistPeers } from './wantlistKeeper.ts'
import type { NetworkStatusListener, P2PHelia, P2PLibp2p } from './types.ts'

export interface BrowserNodeConfig {
  /** full relay addresses including `/p2p/<relayPeerId>` */
  relayMultiaddrs: string[]
  /** allow 127.0.0.0/8, ::1 and localhost (the local dev stack); LAN ranges stay denied */
  allowLoopback: boolean
  /** 'indexeddb' keeps blocks, pins and the peer identity across reloads */
  storage: StorageChoice
  /** IndexedDB name prefix; give each identity sharing an origin its own @default 'mlbridge' */
  dbName?: string
  /** @default true; needs RTCPeerConnection (browser) or node-datachannel (Node) */
  webRTC?: boolean
  /** Node only: ICE host address, '127.0.0.1' for a loopback-only stack (see clientTransports) */
  rtcBindAddress?: string
  /** STUN/TURN for a public deployment @default [] (see clientTransports) */
  iceServers?: RTCIceServer[]
  reconnect?: RelayKeeperOptions
  /** task messages and pin requests are bound to this chain; unset: any chain */
  chainId?: number
  /**
   * Whose task messages are accepted: `chainMembership` of the node's chain; `anyWallet` only for
   * a network without a chain (tests of the network alone), where any signed wallet is heard.
   */
  membership: TaskMembership
  /**
   * Upper bound on open connections (relays, task peers, peers that dial us); the connection
   * manager prunes untagged ones beyond it @default 64
   */
  maxConnections?: number
  /** counts the node's bytes on the wire (the simulator's traffic figures) */
  meter?: ByteMeter
  /**
   * How long local pins are kept and how often unpinned blocks are swept (src/storage/localRetention.ts);
   * false keeps everything (a test that inspects the store) @default LOCAL_PIN_KEEP_MS, hourly
   */
  retention?: LocalRetentionOptions | false
}

export interface BrowserNodeEvents extends Record<string, unknown> {
  /** a task channel was joined or left, or the peers of one changed (joined, left, connection type) */
  'tasks:change': JoinedTask[]
  /** a timed sweep of the local store ran: the pins it released, or why it failed */
  'storage:sweep': SweepOutcome
}

export interface BrowserNode {
  helia: P2PHelia
  libp2p: P2PLibp2p
  peerId: string
  relayPeerIds: readonly string[]
  relays: RelayKeeper
  /** `watchNetwork` bound to this node's relays and keeper */
  watch: (onChange: NetworkStatusListener) => () => void
  /** blobs and data set manifests in this node's blockstore, fetched from peers when missing */
  storage: Storage
  /** the sweep of old local pins and unpinned blocks; undefined when `retention` is false */
  retention: LocalRetention | undefined
  /** verifies task topics; its 'rejected' events tell what was refused and why */
  guard: TopicGuard
  /** joins a task's topics, announces presence and keeps its providers connected */
  joinTask: (init: Omit<TaskChannelInit, 'libp2p' | 'guard' | 'membership'>) => TaskChannel
  /** the task channels joined and not yet left, in join order */
  tasks: () => TaskChannel[]
  /** the joined tasks with their peers now (what 'tasks:change' carries) */
  joinedTasks: () => JoinedTask[]
  /** state changes of this node beyond libp2p's own events */
  events: Emitter<BrowserNodeEvents>
  /** calls `onChange` with the joined tasks at once and on every 'tasks:change'; returns the unsubscribe function */
  watchTasks: (onChange: (tasks: JoinedTask[]) => void) => () => void
  stop: () => Promise<void>
}

/**
 * A volunteer's node: Helia (bitswap over libp2p) on the page's main thread,
 * because RTCPeerConnection does not exist in workers. Nothing here dials
 * beyond the configured relays and the peers they introduce: no bootstrap
 * list, no routers, no STUN, no gateways.
 */
export async function createBrowserNode (config: BrowserNodeConfig): Promise<BrowserNode> {
  // validate before opening storage, so a typo does not leave IndexedDB open
  const relayPeerIds = [...groupByPeerId(config.relayMultiaddrs).keys()]
  const stores = await openStores(config.storage, config.dbName)

  let helia: P2PHelia
  try {
    helia = withBitswap(withLibp2pLight(createHeliaLight({
      blockstore: stores.blockstore,
      datastore: stores.datastore,
      // blob roots and data set manifests are dag-cbor: pins walk their links
      codecs: [dagCbor]
    }), {
      // no privateKey: withLibp2pLight loads or creates it in the datastore's
      // keychain (/pkcs8/self), which is what makes the peer ID survive reloads
      addresses: { listen: clientListenAddrs(config) },
      transports: clientTransports(config),
      connectionEncrypters: encrypters(),
      streamMuxers: muxers(),
      connectionGater: createConnectionGater({ allowLoopback: config.allowLoopback, relayEndpoints: relayEndpointsOf(config.relayMultiaddrs) }),
      connectionManager: { maxConnections: config.maxConnections ?? 64 },
      services: baseServices(),
      ...(config.meter === undefined ? {} : { metrics: config.meter.metrics })
    }))
    await helia.start()
  } catch (err) {
    await stores.close()
    throw err
  }

  const libp2p = helia.libp2p
  const relays = keepRelaysConnected(libp2p, config.relayMultiaddrs, config.reconnect)
  const stopKeepingWantlist = keepWantlistPeers(libp2p, bitswapWantList(helia))
  // peers fetch deltas from us in bulk over /mlbridge/blob (bitswap stays for everything else)
  const stopServingBlobs = await serveBlobs(libp2p, helia.blockstore)
  const guard = createTopicGuard(libp2p.services.pubsub, createMessageVerifier({ chainId: config.chainId, membership: config.membership }))
  const channels = new Set<TaskChannel>()
  const events = new Emitter<BrowserNodeEvents>()
  const gate = stores.gate
  const retention = config.retention === false
    ? undefined
    : startLocalRetention({ pins: helia.pins, blocks: localBlocks(helia), gate, onSweep: (outcome) => { events.emit('storage:sweep', outcome) } }, config.retention)
  const joinedTasks = (): JoinedTask[] => [...channels].map(c => ({ taskId: c.taskId, peers: c.peers() }))
  const tasksChanged = (): void => { events.emit('tasks:change', joinedTasks()) }

  return {
    helia,
    libp2p,
    peerId: libp2p.peerId.toString(),
    relayPeerIds,
    relays,
    watch: (onChange) => watchNetwork(libp2p, relayPeerIds, onChange, { keeper: relays }),
    storage: createStorage({ blocks: helia.blockstore, pins: helia.pins, gate }),
    retention,
    guard,
    joinTask: (init) => {
      const channel = joinTask({ ...init, libp2p, guard, membership: config.membership })
      channels.add(channel)
      const offPeers = channel.on('peers', tasksChanged)
      const leave = channel.leave
      channel.leave = () => {
        if (!channels.delete(channel)) return
        offPeers()
        leave()
        tasksChanged()
      }
      tasksChanged()
      return channel
    },
    tasks: () => [...channels],
    joinedTasks,
    events,
    watchTasks: (onChange) => {
      const off = events.on('tasks:change', onChange)
      onChange(joinedTasks())
      return off
    },
    stop: async () => {
      for (const channel of [...channels]) channel.leave()
      await retention?.stop()
      await stopServingBlobs()
      stopKeepingWantlist()
      relays.stop()
      await helia.stop()
      await stores.close()
    }
  }
}

/**
 * Helia's blockstore under its lock (`unwrap`, on the implementation but not the interface): reads
 * with `offline`, deletes that do not wait for every fetch in flight.
 */
function localBlocks (helia: P2PHelia): LocalBlocks {
  const store = (helia.blockstore as Partial<{ unwrap: () => LocalBlocks }>).unwrap?.()
  if (store === undefined) throw new Error('this Helia does not expose its local blockstore (unwrap)')
  return store
}
