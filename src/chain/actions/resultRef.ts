import { encodeAbiParameters, getAbiItem, keccak256, type Hex } from 'viem'
import { ResultChallengesAbi } from '../generated/abis.ts'

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

/** The result an event names (ResultChallenged, ResultSlashed, Revealed…), its uint256 fields as numbers. */
export const resultRefOf = (args: { taskId: bigint, round: bigint, shard: bigint, attempt: bigint, replica: bigint }): ResultRef =>
  ({ taskId: args.taskId, round: Number(args.round), shard: Number(args.shard), attempt: Number(args.attempt), replica: Number(args.replica) })

const resultKeyInputs = getAbiItem({ abi: ResultChallengesAbi, name: 'resultKey' }).inputs

/** `ResultChallenges.resultKey(ref)`: what the challenge events that follow the opening name the result by. */
export const resultKeyOf = (ref: ResultRef): Hex => keccak256(encodeAbiParameters(resultKeyInputs, [resultRefArgs(ref)]))
