import type { Address } from 'viem'

/** Defaults of the per-wallet penalty: a few slips are forgiven, a stream of invalid messages is not. */
export const WALLET_STRIKES = {
  /**
   * invalid messages within `windowMs` that ban a wallet: as many as graylist the peer that
   * delivered them (see the topic score in topicGuard.ts), so a fresh peer ID buys the wallet none
   */
  limit: 3,
  /** a strike is forgotten after this long */
  windowMs: 10 * 60_000,
  /** how long a ban lasts */
  banMs: 10 * 60_000,
  /** wallets tracked; the one struck least recently is forgotten first */
  maxWallets: 4096
}

export interface WalletStrikes {
  /** counts one invalid message signed by `wallet` */
  strike: (wallet: Address, now: number) => void
  /** unix ms until which `wallet` is banned, or undefined */
  bannedUntil: (wallet: Address, now: number) => number | undefined
}

interface Standing { strikes: number[], bannedUntil: number }

/**
 * Gossipsub scores peers, and a fresh peer ID starts clean; this scores the wallet behind the
 * messages, so a member that keeps sending invalid messages is refused under any peer ID. Only
 * what the wallet provably signed may count (never a replay or an outsider's message, which
 * anyone can produce).
 */
export function createWalletStrikes (opts: Partial<typeof WALLET_STRIKES> = {}): WalletStrikes {
  const { limit, windowMs, banMs, maxWallets } = { ...WALLET_STRIKES, ...opts }
  const standings = new Map<string, Standing>()
  return {
    strike: (wallet, now) => {
      const key = wallet.toLowerCase()
      const s = standings.get(key) ?? { strikes: [], bannedUntil: 0 }
      s.strikes = [...s.strikes.filter(at => at > now - windowMs), now]
      if (s.strikes.length >= limit) {
        s.bannedUntil = now + banMs
        s.strikes = []
      }
      standings.delete(key)
      standings.set(key, s)
      if (standings.size > maxWallets) standings.delete(standings.keys().next().value as string)
    },
    bannedUntil: (wallet, now) => {
      const until = standings.get(wallet.toLowerCase())?.bannedUntil ?? 0
      return until > now ? until : undefined
    }
  }
}
