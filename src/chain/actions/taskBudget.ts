/** The escrow `createTask` takes: every shard of every round paid at the replication cap (TaskManager.budgetOf). */
export function taskBudget (p: { rewardPerResult: bigint, rounds: number, shards: number, maxReplication: number }): bigint {
  return p.rewardPerResult * BigInt(p.rounds) * BigInt(p.shards) * BigInt(p.maxReplication)
}
