import { bytesToHex, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { Rng } from '../random.ts'
import { randomWeights, SMALL_LAYOUT } from '../../testing/randomWeights.ts'
import { rawCid } from '../../storage/cid.ts'
import { decodeDelta, DeltaDecodeError, encodeDelta } from './codec.ts'
import { deltaKey, openDelta, sealDelta, SealError } from './seal.ts'

const MAX = 1 << 24
const salt: Hex = `0x${'11'.repeat(32)}`
const delta = encodeDelta(randomWeights(3, SMALL_LAYOUT))

function randomSalt (rng: Rng): Hex {
  return bytesToHex(Uint8Array.from({ length: 32 }, () => rng.nextInt(256)))
}

async function openError (sealed: Uint8Array, key: Hex, maxBytes = MAX): Promise<string> {
  try {
    await openDelta(sealed, key, { maxBytes })
  } catch (error) {
    expect(error).toBeInstanceOf(SealError)
    return (error as Error).message
  }
  throw new Error('expected opening to fail')
}

function contains (haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle))
}

describe('sealed deltas', () => {
  it('match the fixed vector (computed with node:crypto aes-256-gcm and js-sha3 keccak256)', async () => {
    expect(bytesToHex(deltaKey(salt))).toBe('0x56c9e03047fe4401226d31262748d5615d714b029280b108b1405c168290ae81')
    const sealed = await sealDelta(Uint8Array.from([1, 2, 3]), salt)
    expect(bytesToHex(sealed)).toBe('0xbcc0b9b1706da03a887a880fa59bc4535e949b')
  })

  it('round-trip, and seal deterministically for a (plaintext, salt) pair', async () => {
    const sealed = await sealDelta(delta, salt)
    expect(sealed.length).toBe(delta.length + 16)
    expect(await openDelta(sealed, salt, { maxBytes: MAX })).toEqual(delta)
    expect(await sealDelta(delta, salt)).toEqual(sealed)
  })

  it('do not open with another salt or after a flipped bit', async () => {
    const sealed = await sealDelta(delta, salt)
    const message = 'the sealed delta does not open with the revealed salt: wrong salt, or altered ciphertext'
    expect(await openError(sealed, `0x${'12'.repeat(32)}`)).toBe(message)
    const rng = new Rng(5)
    for (let trial = 0; trial < 20; trial++) {
      const corrupt = sealed.slice()
      corrupt[rng.nextInt(corrupt.length)]! ^= 1 << rng.nextInt(8)
      expect(await openError(corrupt, salt)).toBe(message)
    }
  })

  it('hide the plaintext: neither its bytes nor a decodable delta', async () => {
    const sealed = await sealDelta(delta, salt)
    expect(contains(sealed, delta.subarray(0, 16))).toBe(false)
    expect(contains(sealed, delta.subarray(delta.length - 64))).toBe(false)
    expect(() => decodeDelta(sealed, { maxBytes: MAX })).toThrow(DeltaDecodeError)
  })

  it('refuse a salt that is not 32 bytes, and input over maxBytes + 16 or under 16 bytes, before decrypting', async () => {
    expect(() => deltaKey('0x11')).toThrow(new SealError('the salt must be 32 bytes of hex, got 0x11'))
    expect(() => deltaKey(`0x${'11'.repeat(33)}`)).toThrow(SealError)
    await expect(sealDelta(delta, `0x${'zz'.repeat(32)}`)).rejects.toThrow(SealError)
    const sealed = await sealDelta(delta, salt)
    expect(await openDelta(sealed, salt, { maxBytes: delta.length })).toEqual(delta)
    expect(await openError(sealed, salt, delta.length - 1)).toBe(`oversized: ${sealed.length} sealed bytes > maxBytes ${delta.length - 1} + 16-byte tag`)
    expect(await openError(sealed.subarray(0, 15), salt)).toBe('truncated: 15 sealed bytes, fewer than the 16-byte tag')
  })

  it('attack: a copier that fetched the sealed delta before commits closed learns nothing it can commit', async () => {
    const sealed = await sealDelta(delta, salt)
    // Without the salt, every guess fails authentication: nothing comes out to re-encode or commit.
    const rng = new Rng(99)
    for (let guess = 0; guess < 8; guess++) {
      expect(await openError(sealed, randomSalt(rng))).toMatch(/does not open with the revealed salt/)
    }
    // Committing the sealed bytes' CID is no use: the commitment must name the plaintext delta's CID.
    expect((await rawCid(sealed)).toString()).not.toBe((await rawCid(delta)).toString())
  })
})
