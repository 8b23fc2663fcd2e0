import type { NetworkConfig } from '../core/networkConfig.ts'
import type { WriteContext } from '../chain/actions/index.ts'
import type { BrowserNode } from '../p2p/index.ts'
import { startNetworkSession, walletClientSigner, type NetworkSession } from '../provider/networkSession.ts'
import { browserNode } from './browserNode.ts'

/** This tab's node plus a wallet-authorized signer: what publishing, pinning and gossip need. */
export interface AppSession extends NetworkSession {
  node: BrowserNode
}

const sessions = new Map<string, Promise<AppSession>>()

/**
 * One session per tab and wallet: the wallet signs one authorization of this tab's libp2p peer
 * (one prompt), which makes the peer's gossip and pin requests the wallet's from then on.
 */
export async function appSession (network: NetworkConfig, ctx: WriteContext): Promise<AppSession> {
  const wallet = ctx.walletClient.account.address.toLowerCase()
  let session = sessions.get(wallet)
  if (session === undefined) {
    session = (async () => {
      const node = await browserNode(network)
      const networkSession = await startNetworkSession(node, {
        wallet: walletClientSigner(ctx.walletClient),
        chainId: network.chainId,
        relays: network.bootstrap
      })
      return { node, ...networkSession }
    })()
    session.catch(() => { sessions.delete(wallet) })
    sessions.set(wallet, session)
  }
  return await session
}
