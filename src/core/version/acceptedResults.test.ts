import { concatHex, encodeAbiParameters, keccak256, toHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { acceptedDeltaRoot, acceptedResults, fingerprintHash, resultDigest, winnerReveals } from './acceptedResults.ts'
import { deltaLeaf, deltaRoot } from './deltaRoot.ts'

const cid = (name: string): Hex => concatHex(['0x01551220', keccak256(toHex(name))])

describe('acceptedResults', () => {
  it('lists winners by shard, then by replica, whatever order they come in', () => {
    const winners = [
      { shard: 1, replica: 1, deltaCid: cid('s1r1'), fingerprint: [3] },
      { shard: 0, replica: 2, deltaCid: cid('s0r2'), fingerprint: [2] },
      { shard: 1, replica: 0, deltaCid: cid('s1r0'), fingerprint: [4] },
      { shard: 0, replica: 0, deltaCid: cid('s0r0'), fingerprint: [1] }
    ]
    const results = acceptedResults(winners)
    expect(results.map((r) => r.deltaLeaf)).toEqual(['s0r0', 's0r2', 's1r0', 's1r1'].map((n) => deltaLeaf(cid(n))))
    expect(acceptedDeltaRoot(results)).toBe(deltaRoot(['s0r0', 's0r2', 's1r0', 's1r1'].map(cid)))
    expect(acceptedDeltaRoot([])).toBe(deltaRoot([]))
  })

  it('hashes a fingerprint as revealed: 4 big-endian two\'s-complement bytes per entry', () => {
    expect(fingerprintHash([1, -1, -2147483648])).toBe(keccak256('0x00000001ffffffff80000000'))
  })

  it('gives the digest the verifier stores at reveal: keccak256(abi.encode(fingerprintHash, deltaLeaf))', () => {
    const [result] = acceptedResults([{ shard: 0, replica: 0, deltaCid: cid('d'), fingerprint: [7, -7] }])
    const expected = keccak256(encodeAbiParameters([{ type: 'bytes32' }, { type: 'bytes32' }], [fingerprintHash([7, -7]), deltaLeaf(cid('d'))]))
    expect(resultDigest(result!)).toBe(expected)
    // Another CID with the same fingerprint is another result.
    const [other] = acceptedResults([{ shard: 0, replica: 0, deltaCid: cid('e'), fingerprint: [7, -7] }])
    expect(resultDigest(other!)).not.toBe(expected)
  })
})

describe('winnerReveals', () => {
  it('takes each shard\'s last accepted attempt and its winners only, in shard order', async () => {
    const reveals = [{ replica: 0 }, { replica: 1 }, { replica: 2 }]
    const read = async (a: { attempt: number }): Promise<Array<{ replica: number, attempt: number }>> => reveals.map((r) => ({ ...r, attempt: a.attempt }))
    const shards = await winnerReveals([{ shard: 1, attempt: 0, winnersMask: 0b011 }, { shard: 0, attempt: 0, winnersMask: 0b001 }, { shard: 0, attempt: 1, winnersMask: 0b110 }], read)
    expect(shards.map((s) => [s.shard, s.attempt, s.reveals.map((r) => r.replica)])).toEqual([[0, 1, [1, 2]], [1, 0, [0, 1]]])
    expect(shards[0]!.reveals.every((r) => r.attempt === 1)).toBe(true)
  })

  it('names a winner whose reveal is missing rather than listing fewer', async () => {
    await expect(winnerReveals([{ shard: 3, attempt: 1, winnersMask: 0b101 }], async () => [{ replica: 0 }])).rejects.toThrow(/no revealed result for winners 2 of accepted shard 3 attempt 1/)
  })
})
