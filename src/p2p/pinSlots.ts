export interface PinSlotLimits {
  /** pins fetched at once, over all peers */
  total: number
  /** pins one libp2p peer may have in progress at once */
  perPeer: number
  /** pins one wallet may have in progress at once, whatever peers it signs for */
  perWallet: number
}

export type SlotGrant = { ok: true, release: () => void } | { ok: false, reason: string }

/**
 * Who holds the pinner's fetch slots. A peer or wallet gets only its share, so stalled requests
 * from one of them (or one wallet behind many fresh peer IDs) cannot take every slot.
 */
export function createPinSlots (limits: PinSlotLimits): { take: (peer: string, wallet: string) => SlotGrant, active: () => number } {
  const byPeer = new Map<string, number>()
  const byWallet = new Map<string, number>()
  let active = 0
  const bump = (map: Map<string, number>, key: string, by: number): void => {
    const n = (map.get(key) ?? 0) + by
    if (n === 0) map.delete(key)
    else map.set(key, n)
  }
  return {
    active: () => active,
    take: (peer, walletIn) => {
      const wallet = walletIn.toLowerCase()
      if (active >= limits.total) return { ok: false, reason: `${active} pins in progress, try again later` }
      if ((byPeer.get(peer) ?? 0) >= limits.perPeer) return { ok: false, reason: `peer ${peer} already has ${limits.perPeer} pins in progress, wait for one to end` }
      if ((byWallet.get(wallet) ?? 0) >= limits.perWallet) return { ok: false, reason: `wallet ${walletIn} already has ${limits.perWallet} pins in progress, wait for one to end` }
      active++
      bump(byPeer, peer, 1)
      bump(byWallet, wallet, 1)
      let released = false
      return {
        ok: true,
        release: () => {
          if (released) return
          released = true
          active--
          bump(byPeer, peer, -1)
          bump(byWallet, wallet, -1)
        }
      }
    }
  }
}
