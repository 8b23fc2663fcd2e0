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
import { backoffDelay, type Backoff } from '../core/backoff.ts'
import { PinRefusedError, requestPin, type BrowserNode } from '../p2p/index.ts'
import { networkArtifactStore } from './artifacts.ts'
import { systemClock } from './state.ts'
import type { ArtifactStore, Clock } from './types.ts'

/**
 * A busy pinner (its pin slots full: `PinRefusedError` code 'busy') is asked again after these
 * waits, about 16 s in all, before the next pinner is tried. A round's winners upload at the same
 * moment: at 32 providers the simulator's pinner, 8 pins at a time, refused 96 uploads in a
 * 2-round task, each of which failed its step until the loop's next tick.
 */
export const BUSY_BACKOFF: Backoff = { initialMs: 250, maxMs: 4000, factor: 2 }
export const BUSY_RETRIES = 7
/** A pin that the caller did not bound takes at most this long, every pinner and retry included. */
export const PIN_TIMEOUT_MS = 5 * 60_000

/** Runs `request` again while it is refused as busy, waiting `BUSY_BACKOFF` between tries; any other outcome is returned or thrown as is. */
export async function retryWhileBusy<T> (request: () => Promise<T>, opts: { signal?: AbortSignal, clock?: Pick<Clock, 'sleep'>, random?: () => number } = {}): Promise<T> {
  const clock = opts.clock ?? systemClock
  for (let failures = 1; ; failures++) {
    try {
      return await request()
    } catch (error) {
      if (!(error instanceof PinRefusedError) || error.code !== 'busy' || failures > BUSY_RETRIES || opts.signal?.aborted === true) throw error
      await clock.sleep(backoffDelay(failures, BUSY_BACKOFF, opts.random), opts.signal)
    }
  }
}

export interface NetworkSession {
  signer: MessageSigner
  /** Artifacts of `taskId` ('0' before the task exists): stored here and pinned on a relay. */
  artifacts: (taskId: string) => ArtifactStore
  /** Asks the relays, in turn, to pin a DAG this node holds (a data set manifest pins its shards), each again while it is busy; returns the pinner's signed receipt. */
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
  const pin = async (taskId: string, kind: PinKind, cid: CID, signal: AbortSignal = AbortSignal.timeout(PIN_TIMEOUT_MS)): Promise<PinReceipt> => {
    let lastError: unknown = new Error('no relay is configured to pin artifacts')
    for (const pinner of pinners) {
      try {
        return (await retryWhileBusy(async () => await requestPin(node.libp2p, pinner, signer, { taskId, kind, cid }, { signal }), { signal })).signed
      } catch (error) {
        if (signal.aborted) throw error
        lastError = error
      }
    }
    throw lastError
  }
  const artifacts = (taskId: string): ArtifactStore => networkArtifactStore(node.storage.blobs, async (kind, cid, signal) => await pin(taskId, kind, cid, signal))
  return { signer, artifacts, pin }
}
