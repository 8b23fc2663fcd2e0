import { decodeDelta, DeltaDecodeError, type DecodeDeltaOptions } from '../core/delta/codec.ts'
import { crc32 } from '../core/delta/crc32.ts'

/** The message of the DeltaDecodeError that decoding `bytes` throws; anything else fails the test. */
export function decodeError (bytes: Uint8Array, opts: DecodeDeltaOptions = { maxBytes: 1 << 24 }): string {
  try {
    decodeDelta(bytes, opts)
  } catch (error) {
    if (!(error instanceof DeltaDecodeError)) throw error
    return error.message
  }
  throw new Error('expected decoding to fail')
}

/** Rewrites the trailing CRC so that a test reaches the check behind it. */
export function resealed (bytes: Uint8Array): Uint8Array {
  const copy = bytes.slice()
  new DataView(copy.buffer).setUint32(copy.length - 4, crc32(copy.subarray(0, copy.length - 4)), true)
  return copy
}
