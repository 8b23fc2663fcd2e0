import { bytesToHex, hexToBytes, keccak256, type Hex } from 'viem'
import { BitReader, BitWriter } from './bits.ts'
import { DeltaDecodeError, DeltaEncodeError } from './errors.ts'

/**
 * The body of a top-k delta (scheme 2, codec.ts): the flattened delta cut into chunks of `chunk`
 * values in layout order (a chunk may span tensors), and from each chunk only its k largest
 * values by magnitude, as b-bit codes with one 16-bit scale per chunk. Little-endian:
 *
 *   offset size
 *   48     32   layout hash: keccak256 of the tensor table schemes 0 and 1 write at offset 48
 *   80     4    u32 N, the number of values (the layout's)
 *   84     4    u32 k, values kept per chunk, 1 <= k <= chunk
 *   88          ceil(N / chunk) chunk records; chunk c holds values c*chunk .. min((c+1)*chunk, N) - 1,
 *               L_c of them, and keeps k_c = min(k, L_c):
 *                 u16 scale, a bfloat16 (the high half of an f32): sign 0, finite
 *                 k_c in-chunk indices of w bits, strictly increasing, each < L_c
 *                 k_c codes of b bits, two's complement, -2^(b-1) never written
 *                 zero bits up to the next byte
 *               w = the bit length of chunk - 1 (12 for 4,096); bit fields are packed least
 *               significant bit first (bits.ts)
 *
 * Decoded, kept value j of chunk c is fround(q_j * scale) at its index and every other value is 0.
 *
 * Selection is deterministic: the k_c values that come first when the chunk is ordered by |x|
 * descending, ties to the lower index. Scale: 2 bits (codes -1, 0, 1) use the mean |x| of the kept
 * values, which is the least-squares scale of a sign; 4 bits (codes -7 .. 7) use max |x| / 7. The
 * scale is rounded to bfloat16 (to nearest, ties to even), and each code is
 * clamp(round(x / scale), -qmax, qmax), half away from zero, with the rounded scale.
 */
export const TOPK_MAX_CHUNK_SIZE = 1 << 16
export const DEFAULT_TOPK_CHUNK_SIZE = 4096
export const DEFAULT_TOPK_FRACTION = 0.01
export const TOPK_BITS = [2, 4] as const
export type TopKBits = typeof TOPK_BITS[number]
export const DEFAULT_TOPK_BITS: TopKBits = 2

/** The layout hash, N and k: the top-k body before its chunk records. */
export const TOPK_PREAMBLE_BYTES = 40
const SCALE_BYTES = 2

export interface TopKParams {
  chunkSize: number
  /** values kept per chunk */
  topK: number
  bits: TopKBits
}

/** Bits of an in-chunk index: the bit length of chunkSize - 1 (12 for 4,096, 0 for 1). */
export function indexBits (chunkSize: number): number {
  return chunkSize <= 1 ? 0 : 32 - Math.clz32(chunkSize - 1)
}

/** k for a fraction p of every chunk: round(p * chunk), at least 1 and at most the chunk. */
export function topKOf (fraction: number, chunkSize: number): number {
  return Math.max(1, Math.min(chunkSize, Math.round(fraction * chunkSize)))
}

/** Why these are not valid top-k parameters, or undefined when they are. */
export function topKParamsProblem ({ chunkSize, topK, bits }: TopKParams): string | undefined {
  if (!(Number.isInteger(chunkSize) && chunkSize >= 1 && chunkSize <= TOPK_MAX_CHUNK_SIZE)) return `chunk size ${chunkSize} is not valid for scheme topk (1 to ${TOPK_MAX_CHUNK_SIZE})`
  if (!(TOPK_BITS as readonly number[]).includes(bits)) return `bits ${bits} is not valid for scheme topk (2 or 4)`
  if (!(Number.isInteger(topK) && topK >= 1 && topK <= chunkSize)) return `k ${topK} is not valid for chunk size ${chunkSize} (1 to ${chunkSize})`
  return undefined
}

function recordBytes (kept: number, chunkSize: number, bits: number): number {
  return SCALE_BYTES + Math.ceil(kept * (indexBits(chunkSize) + bits) / 8)
}

/** Bytes of the body for N values, from offset 48 up to the CRC: the size formula of the format. */
export function topKBodyBytes (count: number, { chunkSize, topK, bits }: TopKParams): number {
  const full = Math.floor(count / chunkSize)
  const last = count - full * chunkSize
  return TOPK_PREAMBLE_BYTES + full * recordBytes(Math.min(topK, chunkSize), chunkSize, bits) +
    (last === 0 ? 0 : recordBytes(Math.min(topK, last), chunkSize, bits))
}

export function layoutHash (table: Uint8Array): Hex {
  return keccak256(table)
}

const f32 = new Float32Array(1)
const u32 = new Uint32Array(f32.buffer)

function bfloat16Value (bits: number): number {
  u32[0] = bits << 16
  return f32[0]!
}

/** The bfloat16 nearest a finite f32 >= 0 (ties to even), the largest finite one instead of infinity. */
function toBfloat16 (value: number): number {
  f32[0] = value
  const u = u32[0]!
  const rounded = (u + 0x7fff + ((u >>> 16) & 1)) >>> 16
  return (rounded & 0x7f80) === 0x7f80 ? 0x7f7f : rounded
}

function quantize (ratio: number, qmax: number): number {
  const q = Math.sign(ratio) * Math.floor(Math.abs(ratio) + 0.5)
  return Math.max(-qmax, Math.min(qmax, q))
}

/**
 * Writes the body for `flat` (the delta's values in layout order) at `offset`; the offset after it.
 * The caller sized `out` with topKBodyBytes and checked the parameters and that every value is finite.
 */
export function writeTopKBody (out: Uint8Array, offset: number, flat: Float32Array, hash: Hex, params: TopKParams): number {
  const { chunkSize, topK, bits } = params
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength)
  out.set(hexToBytes(hash), offset)
  view.setUint32(offset + 32, flat.length, true)
  view.setUint32(offset + 36, topK, true)
  offset += TOPK_PREAMBLE_BYTES
  const width = indexBits(chunkSize)
  const qmax = (1 << (bits - 1)) - 1
  const mask = (1 << bits) - 1
  const magnitudes = new Float32Array(Math.min(chunkSize, flat.length))
  const kept = new Uint32Array(Math.min(topK, flat.length))
  for (let start = 0; start < flat.length; start += chunkSize) {
    const chunk = flat.subarray(start, Math.min(start + chunkSize, flat.length))
    const picked = kept.subarray(0, Math.min(topK, chunk.length))
    selectTopK(chunk, picked, magnitudes)
    const scaleBits = chunkScale(chunk, picked, bits, qmax)
    const scale = bfloat16Value(scaleBits)
    view.setUint16(offset, scaleBits, true)
    const writer = new BitWriter(out, offset + SCALE_BYTES)
    for (const index of picked) writer.write(index, width)
    for (const index of picked) writer.write(scale === 0 ? 0 : quantize(chunk[index]! / scale, qmax) & mask, bits)
    offset = writer.end()
  }
  return offset
}

/**
 * The indices, ascending, of the `picked.length` values that come first in the order |x| descending,
 * ties to the lower index: all above the threshold (the smallest magnitude kept), then the lowest
 * indices at it.
 */
export function selectTopK (chunk: Float32Array, picked: Uint32Array, scratch: Float32Array): void {
  const magnitudes = scratch.subarray(0, chunk.length)
  for (let i = 0; i < chunk.length; i++) magnitudes[i] = Math.abs(chunk[i]!)
  magnitudes.sort()
  const threshold = magnitudes[chunk.length - picked.length]!
  let ties = picked.length
  for (let i = 0; i < chunk.length; i++) if (Math.abs(chunk[i]!) > threshold) ties--
  let n = 0
  for (let i = 0; i < chunk.length && n < picked.length; i++) {
    const magnitude = Math.abs(chunk[i]!)
    if (magnitude > threshold || (magnitude === threshold && ties-- > 0)) picked[n++] = i
  }
}

function chunkScale (chunk: Float32Array, picked: Uint32Array, bits: TopKBits, qmax: number): number {
  let sum = 0
  let max = 0
  for (const index of picked) {
    const magnitude = Math.abs(chunk[index]!)
    sum += magnitude
    max = Math.max(max, magnitude)
  }
  let scaleBits = toBfloat16(Math.fround(bits === 2 ? sum / picked.length : max / qmax))
  // qmax * scale must stay finite once decoded, or the decoder would refuse the delta.
  while (!Number.isFinite(Math.fround(qmax * bfloat16Value(scaleBits)))) scaleBits--
  return scaleBits
}

/**
 * Reads `flat.length` values' chunk records from `offset` into `flat` (zero-filled by the caller); the
 * offset after the last record. The caller checked the parameters and that the input holds the
 * records (its length against topKBodyBytes). `where` names a flat index in errors.
 */
export function readTopKBody (bytes: Uint8Array, offset: number, flat: Float32Array, params: TopKParams, where: (index: number) => string): number {
  const { chunkSize, topK, bits } = params
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const width = indexBits(chunkSize)
  const sign = 1 << (bits - 1)
  const kept = new Uint32Array(Math.min(topK, flat.length))
  for (let c = 0, start = 0; start < flat.length; c++, start += chunkSize) {
    const length = Math.min(chunkSize, flat.length - start)
    const picked = kept.subarray(0, Math.min(topK, length))
    const scaleBits = view.getUint16(offset, true)
    const scale = bfloat16Value(scaleBits)
    if ((scaleBits & 0x8000) !== 0 || !Number.isFinite(scale)) throw new DeltaDecodeError(`bad scale ${scale} (bfloat16 0x${scaleBits.toString(16).padStart(4, '0')}) for chunk ${c}`)
    const reader = new BitReader(bytes, offset + SCALE_BYTES)
    for (let j = 0; j < picked.length; j++) {
      const index = reader.read(width)
      if (index >= length) throw new DeltaDecodeError(`index ${index} out of range in chunk ${c}, which has ${length} values`)
      if (j > 0 && index <= picked[j - 1]!) throw new DeltaDecodeError(`indices not strictly increasing in chunk ${c}: ${index} after ${picked[j - 1]!}`)
      picked[j] = index
    }
    for (const index of picked) {
      const code = reader.read(bits)
      const q = code >= sign ? code - 2 * sign : code
      if (q === -sign) throw new DeltaDecodeError(`code ${q} is never written (${bits}-bit codes are -${sign - 1} to ${sign - 1}), at ${where(start + index)}`)
      const value = Math.fround(q * scale)
      if (!Number.isFinite(value)) throw new DeltaDecodeError(`non-finite value ${value} at ${where(start + index)}`)
      flat[start + index] = value
    }
    if (reader.rest() !== 0) throw new DeltaDecodeError(`padding bits after chunk ${c} are not zero`)
    offset = reader.offset
  }
  return offset
}

/** The body's preamble, before any record is read: what the decoder checks against the layout first. */
export function readTopKPreamble (view: DataView, offset: number): { hash: Hex, count: number, topK: number } {
  return {
    hash: bytesToHex(new Uint8Array(view.buffer, view.byteOffset + offset, 32)),
    count: view.getUint32(offset + 32, true),
    topK: view.getUint32(offset + 36, true)
  }
}

/** For the encoder: the parameters, checked. */
export function checkTopKParams (params: TopKParams): void {
  const problem = topKParamsProblem(params)
  if (problem !== undefined) throw new DeltaEncodeError(problem)
}
