import { createPublicClient, type PublicClient } from 'viem'
import { rpcTransport } from '../chain/rpcTransport.ts'
import { chainFromConfig } from '../chain/chain.ts'
import { deploymentOf } from '../chain/contracts.ts'
import { chainMembership } from '../chain/taskMembership.ts'
import type { BrowserNode } from '../p2p/index.ts'
import type { NetworkConfig } from '../core/networkConfig.ts'

let node: Promise<BrowserNode> | undefined

/**
 * One libp2p/Helia node per tab, on the main thread (workers have no RTCPeerConnection). Kept at
 * module level because React StrictMode runs effects twice and a second node would fight the first
 * for the same IndexedDB identity. libp2p and Helia are imported here, when a page first needs the
 * node, so they stay out of the first load.
 */
export async function browserNode (network: NetworkConfig): Promise<BrowserNode> {
  node ??= import('../p2p/index.ts').then(async ({ createBrowserNode }) => await createBrowserNode({
    relayMultiaddrs: network.bootstrap,
    allowLoopback: network.allowLoopback,
    storage: 'indexeddb',
    dbName: `mlbridge-${network.chainId}`,
    chainId: network.chainId,
    // its own client: the node outlives React's providers, and wagmi's client is only reachable from hooks
    membership: chainMembership({
      publicClient: createPublicClient({ chain: chainFromConfig(network), transport: rpcTransport(network.rpcUrl) }) as PublicClient,
      ...deploymentOf(network)
    })
  })).catch((error: unknown) => {
    node = undefined
    throw error
  })
  return await node
}
