import { multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import type { ArtifactKind } from '../core/messages/schemas.ts'
import { authorizeSession, type MessageSigner } from '../core/messages/index.ts'
import type { NetworkConfig } from '../core/networkConfig.ts'
import type { WriteContext } from '../chain/actions/index.ts'
import { requestPin, type BrowserNode } from '../p2p/index.ts'
import { networkArtifactStore } from '../provider/artifacts.ts'
import type { ArtifactStore } from '../provider/types.ts'
import { browserNode } from './browserNode.ts'

/** This tab's node plus a wallet-authorized signer: what publishing, pinning and gossip need. */
export interface AppSession {
  node: BrowserNode
  signer: MessageSigner
  /** Artifacts of `taskId` ('0' before the task exists): stored here and pinned on a relay. */
  artifacts: (taskId: string) => ArtifactStore
  /** Asks the relays, in turn, to pin a DAG this node holds (a data set manifest pins its shards). */
  pin: (taskId: string, kind: ArtifactKind, cid: CID, signal?: AbortSignal) => Promise<void>
}

const sessions = new Map<string, Promise<AppSession>>()

/**
 * One session per tab and wallet: the wallet signs one authorization for a fresh session key
 * (one prompt), and that key signs gossip and pin requests from then on.
 */
export async function appSession (network: NetworkConfig, ctx: WriteContext): Promise<AppSession> {
  const wallet = ctx.walletClient.account.address.toLowerCase()
  let session = sessions.get(wallet)
  if (session === undefined) {
    session = (async () => {
      const node = await browserNode(network)
      const { signer } = await authorizeSession({
        wallet: { address: ctx.walletClient.account.address, signMessage: async ({ message }) => await ctx.walletClient.signMessage({ message }) },
        peerId: node.peerId,
        chainId: network.chainId
      })
      const pinners = network.bootstrap.map((addr) => multiaddr(addr))
      const pin = async (taskId: string, kind: ArtifactKind, cid: CID, signal?: AbortSignal): Promise<void> => {
        let lastError: unknown = new Error('no relay is configured to pin artifacts')
        for (const pinner of pinners) {
          try {
            await requestPin(node.libp2p, pinner, signer, { taskId, kind, cid }, signal === undefined ? {} : { signal })
            return
          } catch (error) { lastError = error }
        }
        throw lastError
      }
      const artifacts = (taskId: string): ArtifactStore => networkArtifactStore(node.storage.blobs, async (kind, cid, signal) => { await pin(taskId, kind, cid, signal) })
      return { node, signer, artifacts, pin }
    })()
    session.catch(() => { sessions.delete(wallet) })
    sessions.set(wallet, session)
  }
  return await session
}
