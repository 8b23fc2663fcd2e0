/** Bounds of a receiver's cache of verified session grants. */
export const GRANT_CACHE = {
  /** grants kept in all */
  size: 1024,
  /**
   * grants kept of any one wallet: a few tabs and their renewals fit, while a member that signs
   * grants for many peer IDs pushes out its own, not other members'
   */
  perWallet: 8
}

/** Session grants whose wallet signature was checked, so each costs one recovery. */
export interface GrantCache {
  /** whether `key` is kept; a hit makes it the most recently used */
  touch: (key: string) => boolean
  /**
   * keeps `key` for `wallet`, dropping the least recently used grant of that wallet when it has
   * `perWallet` already, or else the least recently used of all when the cache is full
   */
  add: (key: string, wallet: string) => void
  readonly size: number
}

export function createGrantCache (opts: Partial<typeof GRANT_CACHE> = {}): GrantCache {
  const { size, perWallet } = { ...GRANT_CACHE, ...opts }
  if (!(Number.isInteger(size) && size >= 1 && Number.isInteger(perWallet) && perWallet >= 1)) throw new RangeError(`a grant cache keeps a whole number of grants, at least 1 in all and of each wallet, not ${size} and ${perWallet}`)
  // Maps keep insertion order: re-inserting on a hit keeps each least recently used first.
  const walletOf = new Map<string, string>()
  const byWallet = new Map<string, Set<string>>()
  const drop = (key: string): void => {
    const wallet = walletOf.get(key)!
    walletOf.delete(key)
    const keys = byWallet.get(wallet)!
    keys.delete(key)
    if (keys.size === 0) byWallet.delete(wallet)
  }
  const keep = (key: string, wallet: string): void => {
    walletOf.set(key, wallet)
    byWallet.set(wallet, (byWallet.get(wallet) ?? new Set()).add(key))
  }
  const first = (keys: Iterable<string>): string => keys[Symbol.iterator]().next().value as string
  return {
    touch: (key) => {
      const wallet = walletOf.get(key)
      if (wallet === undefined) return false
      drop(key)
      keep(key, wallet)
      return true
    },
    add: (key, wallet) => {
      if (walletOf.has(key)) drop(key)
      const own = byWallet.get(wallet)
      if (own !== undefined && own.size >= perWallet) drop(first(own))
      else if (walletOf.size >= size) drop(first(walletOf.keys()))
      keep(key, wallet)
    },
    get size () { return walletOf.size }
  }
}
