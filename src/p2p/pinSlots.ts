export interface PinSlotLimits {
  /** pins fetched at once, over all peers */
  total: number
  /** pins one libp2p peer may have in progress at once */
  perPeer: number
  /** pins one wallet may have in progress at once, whatever peers it signs for */
  perWallet: number
  /**
   * pins at once of tasks anyone may pin for: fresh wallets and peer IDs cost nothing, so without
   * this bound their requests could hold every slot a member's upload needs
   */
  open: number
}

export type SlotGrant = { ok: true, release: () => void } | { ok: false, reason: string }

/**
 * Who holds the pinner's fetch slots. A peer or wallet gets only its share, so stalled requests
 * from one of them (or one wallet behind many fresh peer IDs) cannot take every slot; requests
 * for a task anyone may pin for (`open`) share a part of them, so many fresh wallets cannot either.
 */
export function createPinSlots (limits: PinSlotLimits): { take: (peer: string, wallet: string, open?: boolean) => SlotGrant, active: () => number } {
  const byPeer = new Map<string, number>()
  const byWallet = new Map<string, number>()
  let active = 0
  let openActive = 0
  const bump = (map: Map<string, number>, key: string, by: number): void => {
    const n = (map.get(key) ?? 0) + by
    if (n === 0) map.delete(key)
    else map.set(key, n)
  }
  return {
    active: () => active,
    take: (peer, walletIn, open = false) => {
      const wallet = walletIn.toLowerCase()
      if (active >= limits.total) return { ok: false, reason: `${active} pins in progress, try again later` }
      if (open && openActive >= limits.open) return { ok: false, reason: `${openActive} pins of tasks anyone may pin for in progress, try again later` }
      if ((byPeer.get(peer) ?? 0) >= limits.perPeer) return { ok: false, reason: `peer ${peer} already has ${limits.perPeer} pins in progress, wait for one to end` }
      if ((byWallet.get(wallet) ?? 0) >= limits.perWallet) return { ok: false, reason: `wallet ${walletIn} already has ${limits.perWallet} pins in progress, wait for one to end` }
      active++
      if (open) openActive++
      bump(byPeer, peer, 1)
      bump(byWallet, wallet, 1)
      let released = false
      return {
        ok: true,
        release: () => {
          if (released) return
          released = true
          active--
          if (open) openActive--
          bump(byPeer, peer, -1)
          bump(byWallet, wallet, -1)
        }
      }
    }
  }
}
