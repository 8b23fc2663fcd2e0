/** One revealed result: replica `replica` of attempt `attempt` of a shard. */
export interface ResultRef {
  taskId: bigint
  round: number
  shard: number
  attempt: number
  replica: number
}

/** `ref` as the contracts' `ResultRef` tuple. */
export const resultRefArgs = (ref: ResultRef): { taskId: bigint, round: bigint, shard: bigint, attempt: bigint, replica: bigint } =>
  ({ taskId: ref.taskId, round: BigInt(ref.round), shard: BigInt(ref.shard), attempt: BigInt(ref.attempt), replica: BigInt(ref.replica) })
