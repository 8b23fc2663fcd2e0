/**
 * The simulated network on the local stack: a real anvil with the deployed contracts, the relay
 * (pinner and gossip hub), and one libp2p + Helia node per participant (the browser node factory,
 * running in Node over WebSockets to the relay, memory storage). Artifacts are put on the
 * participant's own node and pinned on the relay over `/mlbridge/pin/1.0.0`, as a tab does.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { WriteContext } from '../../src/chain/actions/index.ts'
import { DEV_ACCOUNT_COUNT } from '../../src/chain/devAccounts.ts'
import { LOCAL_CHAIN_ID } from '../../src/core/networkConfig.ts'
import { logLevelFromEnv } from '../observability/log.ts'
import { chainMembership } from '../../src/chain/taskMembership.ts'
import { byteMeter, createBrowserNode, type BrowserNode, type TaskChannel, type WireBytes } from '../../src/p2p/index.ts'
import { startNetworkSession, walletClientSigner } from '../../src/provider/networkSession.ts'
import type { ArtifactStore } from '../../src/provider/types.ts'
import { startRelay, type Relay } from '../relay.ts'
import { startLocalChain, type LocalChain } from '../testing/localChain.ts'

/** Bytes one participant moved. */
export interface Traffic {
  /** everything its libp2p node sent and received on the wire (artifacts, gossip, pins, libp2p's own protocols) */
  wire: WireBytes
  /** the payload of its libp2p streams by protocol (bitswap carries the artifacts) */
  byProtocol: ReadonlyMap<string, Readonly<WireBytes>>
}

/** JSON-RPC requests one participant sent to its node. */
export interface RpcRequests {
  total: number
  byMethod: Map<string, number>
}

export interface Participant {
  ctx: WriteContext
  node: BrowserNode
  /** this participant's artifacts for `taskId` */
  artifacts: (taskId: string) => ArtifactStore
  /** joins the task's gossip under this participant's session grant */
  gossip: (taskId: string) => TaskChannel
  traffic: Traffic
  rpc: RpcRequests
}

export interface SimNetwork {
  chain: LocalChain
  relay: Relay
  /** dev account index -> participant */
  participant: (account: number) => Promise<Participant>
  stop: () => Promise<void>
}

const STOP_MS = 10_000

/** Waits for `work` at most `ms`. */
async function within (ms: number, work: Promise<void>): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([work, new Promise<void>((resolve) => { timer = setTimeout(resolve, ms) })]).finally(() => { clearTimeout(timer) })
}

export async function startNetwork (): Promise<SimNetwork> {
  const chain = await startLocalChain()
  const relayDir = await mkdtemp(join(tmpdir(), 'mlb-sim-relay-'))
  let relay: Relay
  try {
    // The chain decides who may pin and gossip, as on the local stack: a wallet of no task gets nothing stored.
    // Its refusals (warn) say what an attack tried; its routine pins would drown the run's own report.
    const level = process.env.MLBRIDGE_LOG_LEVEL === undefined ? 'warn' : logLevelFromEnv()
    relay = await startRelay({ port: 0, dataDir: relayDir, chainId: LOCAL_CHAIN_ID, chain, log: { level } })
  } catch (error) {
    await chain.stop()
    throw error
  }
  const participants = new Map<number, Promise<Participant>>()
  // one cache for every participant: they all ask the same chain about the same tasks
  const membership = chainMembership(chain)
  const connect = async (account: number): Promise<Participant> => {
    if (account >= DEV_ACCOUNT_COUNT) await chain.fund(account)
    const rpc: RpcRequests = { total: 0, byMethod: new Map() }
    const ctx = chain.ctxOf(account, {
      onRequest: (method) => {
        rpc.total++
        rpc.byMethod.set(method, (rpc.byMethod.get(method) ?? 0) + 1)
      }
    })
    const meter = byteMeter()
    const node = await createBrowserNode({
      meter,
      relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory', webRTC: false, chainId: LOCAL_CHAIN_ID, membership,
      reconnect: { initialDelayMs: 50, maxDelayMs: 500 }
    })
    const session = await startNetworkSession(node, {
      wallet: walletClientSigner(ctx.walletClient),
      chainId: LOCAL_CHAIN_ID,
      relays: relay.multiaddrs
    })
    const traffic: Traffic = { wire: meter.bytes, byProtocol: meter.byProtocol }
    return { ctx, node, artifacts: (taskId) => session.artifacts(taskId), traffic, rpc, gossip: (taskId) => node.joinTask({ taskId, signer: session.signer }) }
  }
  return {
    chain,
    relay,
    participant: async (account) => {
      let p = participants.get(account)
      if (p === undefined) {
        p = connect(account)
        participants.set(account, p)
      }
      return await p
    },
    stop: async () => {
      const nodes = await Promise.allSettled([...participants.values()])
      // A node with a stream still open can take long to stop; the process ends the run anyway.
      await Promise.allSettled(nodes.map(async (n) => { if (n.status === 'fulfilled') await within(STOP_MS, n.value.node.stop()) }))
      await within(STOP_MS, relay.stop()).catch(() => {})
      await chain.stop()
      await rm(relayDir, { recursive: true, force: true, maxRetries: 5 })
    }
  }
}
