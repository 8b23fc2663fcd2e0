import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

/** What a provider commits to for one replica of one shard (see ConsensusVerifier.commitmentOf). */
export interface CommitmentInput {
  chainId: bigint | number
  /** The ConsensusVerifier's address. */
  verifier: Address
  taskId: bigint | number
  round: bigint | number
  shard: bigint | number
  /** The provider that commits and later reveals: copying someone else's commitment is useless. */
  sender: Address
  /** Binary CID of the encoded delta. */
  deltaCid: Hex
  /** The delta's sketch: signed 32-bit integers, `fingerprintLength` of them. */
  fingerprint: readonly number[]
  /** 32 random bytes, kept secret until reveal. */
  salt: Hex
}

const commitmentParams = [
  { type: 'uint256', name: 'chainId' },
  { type: 'address', name: 'verifier' },
  { type: 'uint256', name: 'taskId' },
  { type: 'uint256', name: 'round' },
  { type: 'uint256', name: 'shard' },
  { type: 'address', name: 'sender' },
  { type: 'bytes', name: 'deltaCid' },
  { type: 'int32[]', name: 'fingerprint' },
  { type: 'bytes32', name: 'salt' }
] as const

const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1

/**
 * `keccak256(abi.encode(chainId, verifier, taskId, round, shard, sender, deltaCid, fingerprint, salt))`,
 * the same value as `ConsensusVerifier.computeCommitment` on chain (a forge test checks the same vector).
 */
export function computeCommitment (input: CommitmentInput): Hex {
  for (const value of input.fingerprint) {
    if (!Number.isInteger(value) || value < INT32_MIN || value > INT32_MAX) {
      throw new RangeError(`fingerprint entry ${value} is not a signed 32-bit integer`)
    }
  }
  return keccak256(encodeAbiParameters(commitmentParams, [
    BigInt(input.chainId),
    input.verifier,
    BigInt(input.taskId),
    BigInt(input.round),
    BigInt(input.shard),
    input.sender,
    input.deltaCid,
    input.fingerprint,
    input.salt
  ]))
}

/** Two fingerprints agree when they have the same length and max_i |a_i - b_i| <= tolerance. */
export function fingerprintsAgree (a: readonly number[], b: readonly number[], tolerance: number): boolean {
  if (a.length !== b.length) return false
  return a.every((value, i) => Math.abs(value - (b[i] as number)) <= tolerance)
}
