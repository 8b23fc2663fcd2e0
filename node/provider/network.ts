/**
 * The headless provider's p2p side: the same node a tab runs (createBrowserNode works in Node), its
 * blocks and peer identity on disk under the state dir, and a wallet-authorized session whose
 * artifact stores pin on the relay exactly as the browser's do.
 */
import { join } from 'node:path'
import { FsBlockstore } from 'blockstore-fs'
import { FsDatastore } from 'datastore-fs'
import type { LocalAccount } from 'viem'
import type { ReadContext } from '../../src/chain/actions/index.ts'
import { chainMembership } from '../../src/chain/taskMembership.ts'
import { createBrowserNode, type BrowserNode } from '../../src/p2p/index.ts'
import { startNetworkSession, type NetworkSession } from '../../src/provider/networkSession.ts'

export interface ProviderNetwork extends NetworkSession {
  node: BrowserNode
  stop: () => Promise<void>
}

/** A local stack's relay is on loopback, which the node's gater refuses unless told otherwise. */
export function isLoopbackRelay (addr: string): boolean {
  return /^\/(ip4\/127\.|ip6\/::1\/|dns[46]?\/localhost\/)/.test(addr)
}

export async function startProviderNetwork (opts: { relays: string[], chainId: number, chain: ReadContext, account: LocalAccount, stateDir: string }): Promise<ProviderNetwork> {
  const blockstore = new FsBlockstore(join(opts.stateDir, 'blocks'))
  const datastore = new FsDatastore(join(opts.stateDir, 'datastore'))
  await blockstore.open()
  await datastore.open()
  const closeStores = async (): Promise<void> => { await Promise.all([blockstore.close(), datastore.close()]) }
  const loopback = opts.relays.every(isLoopbackRelay)
  let node: BrowserNode
  try {
    node = await createBrowserNode({
      relayMultiaddrs: opts.relays,
      allowLoopback: loopback,
      storage: { blockstore, datastore },
      chainId: opts.chainId,
      membership: chainMembership(opts.chain),
      // node-datachannel otherwise offers the host's LAN addresses as ICE candidates
      ...(loopback ? { rtcBindAddress: '127.0.0.1' } : {})
    })
  } catch (error) {
    await closeStores()
    throw error
  }
  try {
    const session = await startNetworkSession(node, {
      wallet: opts.account,
      chainId: opts.chainId,
      relays: opts.relays
    })
    return { node, ...session, stop: async () => { await node.stop(); await closeStores() } }
  } catch (error) {
    await node.stop().catch(() => {})
    await closeStores()
    throw error
  }
}
