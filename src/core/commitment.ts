import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'

/**
 * What a provider commits to for one replica of one shard attempt (see
 * ConsensusVerifier.commitmentOf). Not the fingerprint: its seed is drawn only after the last
 * commit, so the sketch is computed at reveal over the bytes this commitment already fixed.
 */
export interface CommitmentInput {
  chainId: bigint | number
  /** The ConsensusVerifier's address. */
  verifier: Address
  taskId: bigint | number
  round: bigint | number
  shard: bigint | number
  /** The shard's attempt: a commitment of one attempt cannot be replayed in the next. */
  attempt: bigint | number
  /** The provider that commits and later reveals: copying someone else's commitment is useless. */
  sender: Address
  /** Binary CID of the plaintext delta (its header binds sender and attempt). */
  deltaCid: Hex
  /** Binary CID of the sealed delta that was uploaded (see core/delta/seal.ts). */
  sealedCid: Hex
  /** 32 random bytes, kept secret until reveal; the sealing key is derived from them. */
  salt: Hex
}

const commitmentParams = [
  { type: 'uint256', name: 'chainId' },
  { type: 'address', name: 'verifier' },
  { type: 'uint256', name: 'taskId' },
  { type: 'uint256', name: 'round' },
  { type: 'uint256', name: 'shard' },
  { type: 'uint256', name: 'attempt' },
  { type: 'address', name: 'sender' },
  { type: 'bytes', name: 'deltaCid' },
  { type: 'bytes', name: 'sealedCid' },
  { type: 'bytes32', name: 'salt' }
] as const

/**
 * `keccak256(abi.encode(chainId, verifier, taskId, round, shard, attempt, sender, deltaCid,
 * sealedCid, salt))`, the same value as `ConsensusVerifier.computeCommitment` on chain (a forge
 * test checks the same vector).
 */
export function computeCommitment (input: CommitmentInput): Hex {
  return keccak256(encodeAbiParameters(commitmentParams, [
    BigInt(input.chainId),
    input.verifier,
    BigInt(input.taskId),
    BigInt(input.round),
    BigInt(input.shard),
    BigInt(input.attempt),
    input.sender,
    input.deltaCid,
    input.sealedCid,
    input.salt
  ]))
}

/** Two fingerprints agree when they have the same length and max_i |a_i - b_i| <= tolerance. */
export function fingerprintsAgree (a: readonly number[], b: readonly number[], tolerance: number): boolean {
  if (a.length !== b.length) return false
  return a.every((value, i) => Math.abs(value - (b[i] as number)) <= tolerance)
}
