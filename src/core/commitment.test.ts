import { describe, expect, it } from 'vitest'
import { computeCommitment, type CommitmentInput } from './commitment.ts'

/**
 * The same inputs and the same hash are asserted in contracts/test/ConsensusVerifier.t.sol
 * (test_computeCommitment_matchesTypeScriptVector), so TypeScript and Solidity provably agree.
 */
const vector: CommitmentInput = {
  chainId: 31337,
  verifier: '0x5FC8d32690cc91D4c39d9d3abcBD16989F875707',
  taskId: 1,
  round: 2,
  shard: 3,
  attempt: 1,
  sender: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  deltaCid: '0x015512209f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  sealedCid: '0x01551220b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c',
  salt: '0x0102030405060708091011121314151617181920212223242526272829303132'
}
const expected = '0x3a9c4b2d0153d8b54f62644423b3805ce33e7a9b50165df82dea8124f9ef3945'

describe('computeCommitment', () => {
  it('matches the vector the Solidity test asserts', () => {
    expect(computeCommitment(vector)).toBe(expected)
  })

  it('binds the sender: the same result from another account commits differently', () => {
    expect(computeCommitment({ ...vector, sender: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' })).not.toBe(expected)
  })

  it('binds chain, verifier, round, attempt, both CIDs and salt', () => {
    expect(computeCommitment({ ...vector, attempt: 0 })).not.toBe(expected)
    expect(computeCommitment({ ...vector, sealedCid: vector.deltaCid })).not.toBe(expected)
    expect(computeCommitment({ ...vector, chainId: 1 })).not.toBe(expected)
    expect(computeCommitment({ ...vector, verifier: '0x0000000000000000000000000000000000000001' })).not.toBe(expected)
    expect(computeCommitment({ ...vector, round: 3n })).not.toBe(expected)
    expect(computeCommitment({ ...vector, salt: `0x${'00'.repeat(32)}` })).not.toBe(expected)
  })
})
