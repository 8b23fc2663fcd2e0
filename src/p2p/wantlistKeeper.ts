/**
 * Keeps Helia's bitswap wants reaching the peers that hold the blocks.
 *
 * @helia/bitswap (4.0.x, `want-list.ts`) tells each peer a want once and never again, trusting the
 * connection to carry it: it sends a peer its whole wantlist when identify reports the peer as
 * speaking bitswap, records the peer only once that message went out, and from then on sends only
 * new wants. Three things break that on a busy node (seen in the simulator at 16 providers, where
 * every want then waited for its caller's timeout, retry after retry, and no round version was
 * ever recomputed: docs/architecture.md, "Seen at 16 providers"):
 * - the first message times out (10 s): the peer is never recorded, and gets no want again;
 * - identify times out: the peer is never reported, so never recorded;
 * - the remote drops a want it could not serve in time (a block send that failed): nobody asks again.
 * The keeper introduces every connected peer the wantlist does not know (as a new connection
 * would), and while wants are pending re-sends the whole wantlist to every peer now and then, as
 * go-bitswap rebroadcasts its wants.
 */
import type { Libp2p, PeerId } from '@libp2p/interface'

/** The bitswap protocol a peer must speak for its wantlist to matter (@helia/bitswap's BITSWAP_120). */
const BITSWAP_PROTOCOL = '/ipfs/bitswap/1.2.0'

/** The parts of @helia/bitswap's internals the keeper reads and calls; checked when it starts. */
export interface WantListInternals {
  /** peers the wantlist sends wants to, by peer ID */
  peers: { has: (peer: PeerId) => boolean }
  /** the wants, those cancelled but not yet told included */
  wants: { values: () => Iterable<{ cancel: boolean }> }
  /** sends the peer the whole wantlist (replacing what it holds of ours) and records it once that went out */
  peerConnected: (peer: PeerId) => Promise<void>
}

export class WantlistKeeperError extends Error {
  override name = 'WantlistKeeperError'
}

/** The wantlist of a Helia node built `withBitswap` and started, or an error naming what changed in the library. */
export function bitswapWantList (helia: object): WantListInternals {
  const brokers = (helia as { blockBrokers?: unknown }).blockBrokers
  const broker = Array.isArray(brokers) ? brokers.find((b: { name?: unknown }) => b?.name === 'bitswap') as { bitswap?: { wantList?: Partial<WantListInternals> } } | undefined : undefined
  const wantList = broker?.bitswap?.wantList
  if (typeof wantList?.peers?.has !== 'function' || typeof wantList.wants?.values !== 'function' || typeof wantList.peerConnected !== 'function') {
    throw new WantlistKeeperError('this Helia node has no bitswap wantlist of the shape @helia/bitswap 4.0 has: check wantlistKeeper.ts against the installed version')
  }
  return wantList as WantListInternals
}

export interface WantlistKeeperOptions {
  /** how often connected peers are checked @default 2000 */
  intervalMs?: number
  /** how often, while wants are pending, every peer is sent the whole wantlist again @default 10000 */
  rebroadcastMs?: number
}

/**
 * Every `intervalMs`: introduces each peer connected over an unlimited connection, speaking
 * bitswap (or not identified), that the wantlist did not know in two checks running (a peer just
 * connected is still being introduced by bitswap itself); every `rebroadcastMs` while a want is
 * pending, introduces every such peer again. Returns the function that stops it.
 */
export function keepWantlistPeers (libp2p: Pick<Libp2p, 'getConnections' | 'peerStore'>, wantList: WantListInternals, options: WantlistKeeperOptions = {}): () => void {
  const intervalMs = options.intervalMs ?? 2000
  const rebroadcastMs = options.rebroadcastMs ?? 10_000
  const missing = new Set<string>()
  const introducing = new Set<string>()
  let lastRebroadcast = Date.now()
  const introduce = (peer: PeerId): void => {
    const key = peer.toString()
    if (introducing.has(key)) return
    introducing.add(key)
    // a failed introduction leaves the peer unrecorded: a later check tries again
    void wantList.peerConnected(peer).catch(() => {}).finally(() => { introducing.delete(key) })
  }
  const bitswapPeers = async (): Promise<PeerId[]> => {
    const peers = new Map<string, PeerId>()
    for (const connection of libp2p.getConnections()) {
      const peer = connection.remotePeer
      if (connection.limits != null || peers.has(peer.toString())) continue
      // no protocols: identify did not finish (it times out on a busy node), and bitswap then never hears of the peer
      const protocols = await libp2p.peerStore.get(peer).then((p): string[] => p.protocols, (): string[] => [])
      if (protocols.length === 0 || protocols.includes(BITSWAP_PROTOCOL)) peers.set(peer.toString(), peer)
    }
    return [...peers.values()]
  }
  const check = async (): Promise<void> => {
    const peers = await bitswapPeers()
    const pending = [...wantList.wants.values()].some((w) => !w.cancel)
    if (pending && Date.now() - lastRebroadcast >= rebroadcastMs) {
      lastRebroadcast = Date.now()
      for (const peer of peers) introduce(peer)
      return
    }
    const unknown = peers.filter((p) => !wantList.peers.has(p)).map((p) => p.toString())
    for (const peer of peers) if (missing.has(peer.toString()) && unknown.includes(peer.toString())) introduce(peer)
    missing.clear()
    for (const key of unknown) missing.add(key)
  }
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    check().catch(() => {}).finally(() => { running = false })
  }, intervalMs)
  return () => { clearInterval(timer) }
}
