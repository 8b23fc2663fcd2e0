import { cachedMembership, type MembershipCacheOptions, type TaskMembership } from '../core/messages/membership.ts'
import { readTaskMembers } from './actions/readTaskMembers.ts'
import type { ReadContext } from './actions/types.ts'

/** Gossip membership as the chain records it (creator or joined provider), cached per task. */
export function chainMembership (chain: ReadContext, opts?: MembershipCacheOptions): TaskMembership {
  return cachedMembership(async (taskId) => await readTaskMembers(chain, { taskId: BigInt(taskId) }), opts)
}
