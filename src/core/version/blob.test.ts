import { keccak256 } from 'viem'
import { describe, expect, it } from 'vitest'
import { hasCommitHash, versionCommitHash } from './blob.ts'

describe('versionCommitHash', () => {
  it('is keccak256 of the blob\'s bytes', async () => {
    const bytes = Uint8Array.from({ length: 4099 }, (_, i) => (i * 7) & 0xff)
    expect(await versionCommitHash(bytes)).toBe(keccak256(bytes))
  })
})

describe('hasCommitHash', () => {
  it('matches a commit hash in either case, and nothing else', async () => {
    const bytes = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff)
    const hash = keccak256(bytes)
    expect(await hasCommitHash(bytes, hash)).toBe(true)
    expect(await hasCommitHash(bytes, hash.toUpperCase().replace('0X', '0x'))).toBe(true)
    expect(await hasCommitHash(bytes.subarray(1), hash)).toBe(false)
  })
})
