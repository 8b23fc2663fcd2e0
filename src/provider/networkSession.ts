/**
 * What a provider needs from its p2p node beyond the node itself, in a page or in Node: a
 * wallet-authorized session signer for gossip and pin requests, and artifact stores that keep
 * blobs locally and pin them on a relay.
 */
import { multiaddr } from '@multiformats/multiaddr'
import type { CID } from 'multiformats/cid'
import type { PinKind } from '../core/messages/schemas.ts'
import type { AccountWalletClient } from '../chain/actions/index.ts'
import { authorizeSession, type MessageSigner, type PinReceipt, type WalletSigner } from '../core/messages/index.ts'
import { requestPin, type BrowserNode } from '../p2p/index.ts'
import { networkArtifactStore } from './artifacts.ts'
import type { ArtifactStore } from './types.ts'

export interface NetworkSession {
  signer: MessageSigner
  /** Artifacts of `taskId` ('0' before the task exists): stored here and pinned on a relay. */
  artifacts: (taskId: string) => ArtifactStore
  /** Asks the relays, in turn, to pin a DAG this node holds (a data set manifest pins its shards); returns the pinner's signed receipt. */
  pin: (taskId: string, kind: PinKind, cid: CID, signal?: AbortSignal) => Promise<PinReceipt>
}

/** A connected wallet client as the wallet that authorizes a session (a viem LocalAccount already is one). */
export function walletClientSigner (walletClient: AccountWalletClient): WalletSigner {
  return { address: walletClient.account.address, signMessage: async ({ message }) => await walletClient.signMessage({ message }) }
}

export async function startNetworkSession (
  node: BrowserNode, opts: { wallet: WalletSigner, chainId: number, relays: readonly string[] }
): Promise<NetworkSession> {
  const { signer } = await authorizeSession({ wallet: opts.wallet, peerId: node.peerId, chainId: opts.chainId })
  const pinners = opts.relays.map((addr) => multiaddr(addr))
  const pin = async (taskId: string, kind: PinKind, cid: CID, signal?: AbortSignal): Promise<PinReceipt> => {
    let lastError: unknown = new Error('no relay is configured to pin artifacts')
    for (const pinner of pinners) {
      try {
        return (await requestPin(node.libp2p, pinner, signer, { taskId, kind, cid }, signal === undefined ? {} : { signal })).signed
      } catch (error) { lastError = error }
    }
    throw lastError
  }
  const artifacts = (taskId: string): ArtifactStore => networkArtifactStore(node.storage.blobs, async (kind, cid, signal) => await pin(taskId, kind, cid, signal))
  return { signer, artifacts, pin }
}
