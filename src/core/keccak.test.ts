import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { keccakBytes } from './keccak.ts'

describe('keccakBytes', () => {
  it('is keccak256 of the bytes at every length around the sponge\'s 136-byte rate, and for megabytes', async () => {
    const lengths = [0, 1, 135, 136, 137, 272, 1_000_003]
    for (const n of lengths) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 131 + n) & 0xff)
      expect(await keccakBytes(bytes)).toBe(keccak256(bytes))
    }
  })

  it('gives each of many concurrent calls its own bytes\' hash', async () => {
    const blobs = Array.from({ length: 8 }, (_, k) => Uint8Array.from({ length: 5000 + k * 999 }, (_, i) => (i ^ k) & 0xff))
    expect(await Promise.all(blobs.map(keccakBytes))).toEqual(blobs.map((b) => keccak256(b)))
  })
})
