import { isAddressEqual, type Address } from 'viem'
import { readRound, type ShardState } from './readRound.ts'
import type { ReadContext } from './types.ts'

/** A shard the account is drawn for, with its replica slot and what it has done there. */
export interface MyShard extends ShardState {
  replica: number
  committed: boolean
  revealed: boolean
}

export interface Assignment {
  taskId: bigint
  round: number
  /** False when the task is not running this round (then `shards` is empty). */
  active: boolean
  shards: MyShard[]
}

/**
 * Which shards of round `round` (default: the current round) `account` is drawn for, in the
 * shards' current attempts, and its replica slot in each. Re-queued shards draw again, so read it
 * after every `finalizeShards` that re-queues.
 */
export async function readAssignment (
  ctx: ReadContext,
  params: { taskId: bigint, account: Address, round?: number }
): Promise<Assignment> {
  const state = await readRound(ctx, params)
  const shards: MyShard[] = []
  for (const shard of state.shards) {
    const replica = shard.providers.findIndex((provider) => isAddressEqual(provider, params.account))
    if (replica < 0) continue
    const bit = 1 << replica
    shards.push({ ...shard, replica, committed: (shard.committedMask & bit) !== 0, revealed: (shard.revealedMask & bit) !== 0 })
  }
  return { taskId: params.taskId, round: state.round, active: state.current, shards }
}
