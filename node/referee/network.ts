/**
 * How a referee running alone keeps its evidence reports on the network's pinner: the way providers
 * pin, from a p2p node of its own dialing the relay, with a session its account authorized, but as
 * one raw block of kind `evidence`, which the pinner takes only from a REFEREE_ROLE account
 * (node/pinAuthorization.ts). The node's own copies stay in memory (a report is a few KiB, and
 * the pinner holds each once its receipt came), and it joins no task: it needs no WebRTC.
 */
import type { CID } from 'multiformats/cid'
import type { LocalAccount } from 'viem'
import type { ReadContext } from '../../src/chain/actions/index.ts'
import { chainMembership } from '../../src/chain/taskMembership.ts'
import { createBrowserNode } from '../../src/p2p/index.ts'
import type { PinService } from '../../src/p2p/pinService.ts'
import { startNetworkSession } from '../../src/provider/networkSession.ts'
import { rawCid } from '../../src/storage/cid.ts'
import { isLoopbackRelay } from '../provider/network.ts'

export interface EvidencePinning extends Pick<PinService, 'keep'> {
  peerId: string
  stop: () => Promise<void>
}

export async function startEvidencePinning (opts: { relays: string[], chainId: number, chain: ReadContext, account: LocalAccount }): Promise<EvidencePinning> {
  const node = await createBrowserNode({
    relayMultiaddrs: opts.relays,
    allowLoopback: opts.relays.every(isLoopbackRelay),
    storage: 'memory',
    // it holds its evidence blocks unpinned until the pinner has fetched them, and little else
    retention: false,
    webRTC: false,
    chainId: opts.chainId,
    membership: chainMembership(opts.chain)
  })
  try {
    const session = await startNetworkSession(node, { wallet: opts.account, chainId: opts.chainId, relays: opts.relays })
    return {
      peerId: node.peerId,
      keep: async (taskId: string, bytes: Uint8Array): Promise<CID> => {
        // the pinner fetches the block from this node by bitswap before it signs its receipt
        const cid = await rawCid(bytes)
        await node.helia.blockstore.put(cid, bytes)
        await session.pin(taskId, 'evidence', cid)
        return cid
      },
      stop: async () => { await node.stop() }
    }
  } catch (error) {
    await node.stop().catch(() => {})
    throw error
  }
}
