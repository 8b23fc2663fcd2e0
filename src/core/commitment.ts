import { encodeAbiParameters, keccak256, type Address, type Hex } from 'viem'
import { resultSlotParams, resultSlotValues, type ResultSlot } from './delta/binding.ts'

/**
 * What a provider commits to for one replica of one shard attempt (see
 * ConsensusVerifier.commitmentOf). Not the fingerprint: its seed is drawn only after the last
 * commit, so the sketch is computed at reveal over the bytes this commitment already fixed.
 */
export interface CommitmentInput extends Omit<ResultSlot, 'provider'> {
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
  ...resultSlotParams,
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
    ...resultSlotValues({ ...input, provider: input.sender }),
    input.deltaCid,
    input.sealedCid,
    input.salt
  ]))
}
