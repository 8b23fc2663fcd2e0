import type { Address } from 'viem'
import { cachedReads } from '../cachedReads.ts'

/** Who may speak on a task's topics: decided by the chain, asked through this so the verifier stays pure. */
export interface TaskMembership {
  /** rejects when the answer cannot be had (an RPC outage), which never reads as "member" */
  isMember: (taskId: string, wallet: Address) => Promise<boolean>
}

/** A task's members as the chain records them; a task that does not exist has none. */
export interface TaskMembers {
  creator: Address
  providers: readonly Address[]
}

/** What the gossip verifier and the pinner both mean by a member. */
export function memberRole (members: TaskMembers, wallet: Address): 'creator' | 'provider' | undefined {
  const w = wallet.toLowerCase()
  if (members.creator.toLowerCase() === w) return 'creator'
  return members.providers.some(p => p.toLowerCase() === w) ? 'provider' : undefined
}

/**
 * No chain to ask: every signed wallet counts as a member of every task. Only for a network
 * without a chain (tests of the network alone, a hub configured without one); a node that knows
 * its chain passes a chain-backed membership instead.
 */
export const anyWallet: TaskMembership = { isMember: async () => true }

export const MEMBERSHIP_CACHE = {
  /** a task's member list is read again after this long */
  ttlMs: 60_000,
  /**
   * A wallet missing from the list reads it again if the list is older than this, so a provider
   * that just joined is heard within seconds, while a flood of outsiders costs at most one read
   * per task per interval.
   */
  missRefreshMs: 2_000,
  /** tasks whose lists are kept; the least recently read goes first */
  maxTasks: 256
}

export type MembershipCacheOptions = Partial<typeof MEMBERSHIP_CACHE> & { now?: () => number }

/**
 * Caches whole member lists per task rather than answers per wallet: any number of distinct
 * wallets, members or not, costs one read per task per `missRefreshMs` at most. Concurrent
 * questions about one task share one read; a failed read is not cached.
 */
export function cachedMembership (read: (taskId: string) => Promise<TaskMembers>, opts: MembershipCacheOptions = {}): TaskMembership {
  const { ttlMs: ttl, missRefreshMs: missRefresh, maxTasks } = { ...MEMBERSHIP_CACHE, ...opts }
  const members = cachedReads(read, { maxKeys: maxTasks, ...(opts.now === undefined ? {} : { now: opts.now }) })
  return {
    isMember: async (taskId, wallet) => {
      if (memberRole((await members(taskId, ttl)).value, wallet) !== undefined) return true
      return memberRole((await members(taskId, missRefresh)).value, wallet) !== undefined
    }
  }
}
