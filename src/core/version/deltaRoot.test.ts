import { concatHex, keccak256, toHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { deltaLeaf, deltaRoot, EMPTY_DELTA_ROOT } from './deltaRoot.ts'

/** The vectors `contracts/test/libraries/DeltaRoot.t.sol` checks on chain: CID i = 0x01551220 ‖ keccak256("delta i"). */
const cid = (i: number): Hex => concatHex(['0x01551220', keccak256(toHex(`delta ${i}`))])
const cids = (n: number): Hex[] => Array.from({ length: n }, (_, i) => cid(i))

describe('deltaRoot', () => {
  it('matches the test vectors shared with the contracts', () => {
    expect(cid(0)).toBe('0x01551220db5ec8c8674693b0b54991edc87070adb5e063def374c83884ea1dc11a8ccb49')
    expect(deltaRoot([])).toBe(EMPTY_DELTA_ROOT)
    expect(deltaRoot(cids(1))).toBe('0xf7c578a798f3eb5d1919ea1f53720fa07bef61e12556a6b926c1d97f76f7ed44')
    expect(deltaRoot(cids(2))).toBe('0x8ab04ccb7908bbde55471325f931652943043f725a9c6993e977e2cf14ffc4d6')
    expect(deltaRoot(cids(3))).toBe('0x60b56e4cb453570cb5d7a491d13331b2a3f0ff0c067f5da00c8edd951e952b2c')
    expect(deltaRoot(cids(5))).toBe('0x405b807fed68a8d1d7c0cfcd1aafdf036d15e1118245eee23d0f0d0e3ecd11ee')
  })

  it('is a Merkle tree: a leaf is prefixed 0x00, an inner node 0x01, split at the largest power of two', () => {
    const [a, b, c] = cids(3).map(deltaLeaf) as [Hex, Hex, Hex]
    const node = (l: Hex, r: Hex): Hex => keccak256(concatHex(['0x01', l, r]))
    expect(deltaRoot(cids(1))).toBe(a)
    expect(deltaRoot(cids(3))).toBe(node(node(a, b), c))
    // Order matters, and a leaf cannot pass for the node above it.
    expect(deltaRoot([cid(1), cid(0)])).not.toBe(deltaRoot(cids(2)))
    expect(deltaRoot([node(a, b)])).not.toBe(deltaRoot(cids(2)))
  })
})
