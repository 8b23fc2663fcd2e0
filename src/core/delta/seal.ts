import { concatBytes, hexToBytes, isHex, keccak256, stringToBytes, type Hex } from 'viem'
import { errorKind } from '../errors.ts'

/**
 * Protocol v2 keeps a delta secret until the commit window closes: before then a provider publishes
 * only `sealDelta(delta, salt)`, and the key comes from the salt the on-chain commitment binds and
 * the provider reveals after commits close. A copier who fetches the sealed bytes early has nothing
 * it could commit to as its own work.
 *
 *   key    = keccak256(utf8("mlbridge/delta-key/v1") ‖ salt)      salt: exactly 32 bytes
 *   sealed = AES-256-GCM(key, iv = 12 zero bytes, no additional data)(delta) = ciphertext ‖ 16-byte tag
 */
export const DELTA_KEY_DOMAIN = 'mlbridge/delta-key/v1'

const SALT_BYTES = 32
const TAG_BYTES = 16
// A fixed IV is safe only because each key seals exactly one message: the salt is fresh per
// commitment, so no (key, IV) pair is ever used twice. Reusing a salt would break GCM.
const IV = new Uint8Array(12)

export class SealError extends errorKind('SEAL') {
  override name = 'SealError'
}

const domain = stringToBytes(DELTA_KEY_DOMAIN)

export function deltaKey (salt: Hex): Uint8Array {
  if (!isHex(salt, { strict: true }) || salt.length !== 2 + 2 * SALT_BYTES) {
    throw new SealError(`the salt must be ${SALT_BYTES} bytes of hex, got ${salt.slice(0, 80)}`)
  }
  return keccak256(concatBytes([domain, hexToBytes(salt)]), 'bytes')
}

async function aesKey (salt: Hex, usage: 'encrypt' | 'decrypt'): Promise<CryptoKey> {
  return await globalThis.crypto.subtle.importKey('raw', deltaKey(salt) as Uint8Array<ArrayBuffer>, 'AES-GCM', false, [usage])
}

export async function sealDelta (plaintext: Uint8Array, salt: Hex): Promise<Uint8Array> {
  const key = await aesKey(salt, 'encrypt')
  return new Uint8Array(await globalThis.crypto.subtle.encrypt({ name: 'AES-GCM', iv: IV, tagLength: 8 * TAG_BYTES }, key, plaintext as Uint8Array<ArrayBuffer>))
}

/** `maxBytes` bounds the plaintext: longer input is refused before any decryption. */
export async function openDelta (sealed: Uint8Array, salt: Hex, opts: { maxBytes: number }): Promise<Uint8Array> {
  if (sealed.length > opts.maxBytes + TAG_BYTES) {
    throw new SealError(`oversized: ${sealed.length} sealed bytes > maxBytes ${opts.maxBytes} + ${TAG_BYTES}-byte tag`)
  }
  if (sealed.length < TAG_BYTES) throw new SealError(`truncated: ${sealed.length} sealed bytes, fewer than the ${TAG_BYTES}-byte tag`)
  const key = await aesKey(salt, 'decrypt')
  try {
    return new Uint8Array(await globalThis.crypto.subtle.decrypt({ name: 'AES-GCM', iv: IV, tagLength: 8 * TAG_BYTES }, key, sealed as Uint8Array<ArrayBuffer>))
  } catch (cause) {
    throw new SealError('the sealed delta does not open with the revealed salt: wrong salt, or altered ciphertext', { cause })
  }
}
