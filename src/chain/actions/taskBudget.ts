import { RESULT_FEE } from '../../core/taskLimits.ts'

/**
 * The escrow `createTask` takes: every shard of every round paid at the replication cap, each
 * result's reward and the protocol fee burnt for it (TaskManager.budgetOf).
 */
export function taskBudget (p: { rewardPerResult: bigint, rounds: number, shards: number, maxReplication: number }): bigint {
  return (p.rewardPerResult + RESULT_FEE) * BigInt(p.rounds) * BigInt(p.shards) * BigInt(p.maxReplication)
}
