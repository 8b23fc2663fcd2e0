import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

/**
 * One replica slot of a shard attempt and who fills it: what a delta's binding names, and the
 * first seven words of a commitment (core/commitment.ts), in this order.
 */
export interface ResultSlot {
  chainId: bigint | number
  /** The ConsensusVerifier's address. */
  verifier: Address
  taskId: bigint | number
  round: bigint | number
  shard: bigint | number
  attempt: bigint | number
  /** The provider that trained the delta, commits and reveals it. */
  provider: Address
}

export const resultSlotParams = [
  { type: 'uint256', name: 'chainId' },
  { type: 'address', name: 'verifier' },
  { type: 'uint256', name: 'taskId' },
  { type: 'uint256', name: 'round' },
  { type: 'uint256', name: 'shard' },
  { type: 'uint256', name: 'attempt' },
  { type: 'address', name: 'provider' }
] as const

export function resultSlotValues (slot: ResultSlot): [bigint, Address, bigint, bigint, bigint, bigint, Address] {
  return [BigInt(slot.chainId), slot.verifier, BigInt(slot.taskId), BigInt(slot.round), BigInt(slot.shard), BigInt(slot.attempt), slot.provider]
}

/**
 * The 32 bytes a provider writes into its delta's binding field (codec.ts), so that a copied delta
 * has another CID and is refused where the copier's own binding is expected:
 *
 *   keccak256(abi.encode(uint256 chainId, address verifier, uint256 taskId, uint256 round,
 *                        uint256 shard, uint256 attempt, address provider))
 *
 * abi.encode: seven 32-byte words, integers big-endian, addresses left-padded with zeros.
 */
export function deltaBinding (slot: ResultSlot): Hex {
  return keccak256(encodeAbiParameters(resultSlotParams, resultSlotValues(slot)))
}
