/** Row IDs shared by the handlers and the API, so both name a composite thing the same way. */
export const roundId = (taskId: bigint, round: bigint | number): string => `${taskId}-${round}`
export const shardId = (taskId: bigint, round: bigint | number, shard: bigint | number, attempt: bigint | number): string => `${taskId}-${round}-${shard}-${attempt}`
export const resultId = (taskId: bigint, round: bigint | number, shard: bigint | number, attempt: bigint | number, replica: bigint | number): string =>
  `${shardId(taskId, round, shard, attempt)}-${replica}`
export const taskProviderId = (taskId: bigint, provider: string): string => `${taskId}-${provider.toLowerCase()}`

/** The contracts' status enums by name, as the app's chain actions name them. */
export { VERSION_STATUSES } from '../src/chain/actions/readVersion.ts'
export { TASK_STATUSES } from '../src/chain/actions/readTask.ts'

/** The replica indexes whose bit is set in a winners mask. */
export function maskReplicas (mask: bigint): number[] {
  const replicas: number[] = []
  for (let i = 0; mask >> BigInt(i) > 0n; i++) if (((mask >> BigInt(i)) & 1n) === 1n) replicas.push(i)
  return replicas
}
