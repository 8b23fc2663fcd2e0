import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

/** Whose delta it is and for which attempt at which shard: the replica a delta's binding names. */
export interface DeltaBindingInput {
  chainId: bigint | number
  /** The ConsensusVerifier's address. */
  verifier: Address
  taskId: bigint | number
  round: bigint | number
  shard: bigint | number
  attempt: bigint | number
  /** The provider that trained the delta and reveals it. */
  provider: Address
}

const bindingParams = [
  { type: 'uint256', name: 'chainId' },
  { type: 'address', name: 'verifier' },
  { type: 'uint256', name: 'taskId' },
  { type: 'uint256', name: 'round' },
  { type: 'uint256', name: 'shard' },
  { type: 'uint256', name: 'attempt' },
  { type: 'address', name: 'provider' }
] as const

/**
 * The 32 bytes a provider writes into its delta's binding field (codec.ts), so that a copied delta
 * has another CID and is refused where the copier's own binding is expected:
 *
 *   keccak256(abi.encode(uint256 chainId, address verifier, uint256 taskId, uint256 round,
 *                        uint256 shard, uint256 attempt, address provider))
 *
 * abi.encode: seven 32-byte words, integers big-endian, addresses left-padded with zeros.
 */
export function deltaBinding (input: DeltaBindingInput): Hex {
  return keccak256(encodeAbiParameters(bindingParams, [
    BigInt(input.chainId),
    input.verifier,
    BigInt(input.taskId),
    BigInt(input.round),
    BigInt(input.shard),
    BigInt(input.attempt),
    input.provider
  ]))
}
