import { bytesToHex, encodeAbiParameters, hexToBytes, keccak256, type Hex } from 'viem'
import { counterHash } from './random.ts'
import type { WeightSet } from './tensors.ts'
import { errorKind } from './errors.ts'

/**
 * A short integer sketch of a delta that replicas on different GPUs agree on up to a tolerance,
 * and that the contract compares as int32 entries (k <= 64), packed 4 bytes each: sketches agree iff
 * max_i |a_i - b_i| <= tolerance.
 *
 * Design. Let x be the delta flattened in tensor order, r_j a seeded Rademacher (+-1) vector and
 * R the resolution (integer units per unit of relative change, 2^16 by default):
 *
 *   s_0 = round(R * lg ||x||)                       the size of the delta
 *   s_j = round(R * <r_j, x> / ||x||),  j = 1..k-1  its direction
 *
 * where lg is the piecewise-linear base-2 logarithm: for ||x|| = m * 2^e with m in [1, 2),
 * lg ||x|| = e + (m - 1). Each <r_j, x> / ||x|| is close to a standard normal for any x, and s_0
 * moves by R to 2R times the *relative* change of the norm. So every component moves by about R
 * times the relative difference between two deltas, whatever the model, learning rate or round:
 * one tolerance, stated in relative terms (tolerance / R), suits every task, while a fixed
 * absolute quantum on the raw projection would need retuning as deltas shrink over training. The
 * sketch is still not scale invariant: s_0 catches a delta scaled by 2^c (exactly |c| R units), the
 * direction catches sign flips (about 2R |N(0,1)| per component) and unrelated deltas.
 *
 * Determinism: the signs come from a counter-based hash of (seed, element index), drawn on the
 * fly, never as a k x N matrix; sums run in float64 in element order; lg reads the exponent and
 * mantissa from the float's bits. Everything is correctly rounded IEEE arithmetic (+, *, /, sqrt),
 * so every engine computes the same sketch bit for bit (Math.log would not: its last bit may differ
 * between engines). Fingerprint the delta as pinned (decoded from its bytes) so that anyone can
 * recompute a revealed sketch from the CID.
 *
 * The projection is linear, so someone who knows the seed and an honest delta can add a change
 * orthogonal to all r_j without moving the sketch. That is why the seed of a shard attempt comes
 * from the hash of the block of its last commit (`fingerprintSeedOf`): when it is known, every
 * delta of the attempt is already fixed by its commitment.
 */

export const FINGERPRINT_MIN_LENGTH = 2
export const FINGERPRINT_MAX_LENGTH = 64
export const DEFAULT_FINGERPRINT_RESOLUTION = 1 << 16
/**
 * 2048 units at the default resolution: about 3% relative difference. Measured on MNIST-MLP-sized
 * deltas fingerprinted after the int8 round trip (fingerprint.test.ts): per-element relative noise
 * of 1e-4 lands within ~250, 1e-3 within ~1100; a x2 or x0.5 scale is 65,536 away, a sign flip or
 * an unrelated delta over 200,000.
 */
export const DEFAULT_FINGERPRINT_TOLERANCE = 1 << 11

const INT32_MIN = -0x8000_0000
const INT32_MAX = 0x7fff_ffff
/** Norms are floored at float32's smallest subnormal, so an all-zero delta has a finite s_0. */
const MIN_NORM = 2 ** -149

export interface FingerprintOptions {
  /** k, components of the sketch (2..64). */
  length: number
  /** uint32 projection seed, from `fingerprintSeedOf`. */
  seed: number
  /** Integer units per unit of relative change; defaults to 2^16. */
  resolution?: number
}

export class FingerprintError extends errorKind('FINGERPRINT') {
  override name = 'FingerprintError'
}

/** Names the shard attempt whose fingerprint seed is wanted, and the hash of its seed block. */
export interface FingerprintSeedInput {
  /** Hash of the block of the attempt's last commit (`ConsensusVerifier.fingerprintSeed`). */
  seedBlockHash: Hex
  taskId: bigint | number
  round: bigint | number
  shard: bigint | number
  attempt: bigint | number
}

/**
 * The uint32 projection seed of a shard attempt: the low 32 bits of
 * keccak256(abi.encode(bytes32 seedBlockHash, uint256 taskId, uint256 round, uint256 shard,
 * uint256 attempt)), the word `ConsensusVerifier.fingerprintSeed` returns.
 */
export function fingerprintSeedOf (input: FingerprintSeedInput): number {
  const word = keccak256(encodeAbiParameters(
    [{ type: 'bytes32' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }, { type: 'uint256' }],
    [input.seedBlockHash, BigInt(input.taskId), BigInt(input.round), BigInt(input.shard), BigInt(input.attempt)]
  ))
  return fingerprintSeedFromWord(word)
}

/** The uint32 projection seed in a 32-byte seed word: its low 32 bits. */
export function fingerprintSeedFromWord (word: Hex): number {
  return Number(BigInt(word) & 0xffff_ffffn)
}

export function fingerprint (delta: WeightSet, opts: FingerprintOptions): Int32Array {
  const { length, seed } = opts
  const resolution = opts.resolution ?? DEFAULT_FINGERPRINT_RESOLUTION
  if (!(Number.isInteger(length) && length >= FINGERPRINT_MIN_LENGTH && length <= FINGERPRINT_MAX_LENGTH)) {
    throw new FingerprintError(`length must be an integer in ${FINGERPRINT_MIN_LENGTH}..${FINGERPRINT_MAX_LENGTH}, got ${length}`)
  }
  if (!(Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)) throw new FingerprintError(`seed must be a uint32, got ${seed}`)
  if (!(resolution > 0 && Number.isFinite(resolution))) throw new FingerprintError(`resolution must be positive, got ${resolution}`)

  const projections = length - 1
  const sums = new Float64Array(projections)
  let squares = 0
  let index = 0
  for (const { name, values } of delta) {
    for (let i = 0; i < values.length; i++, index++) {
      const x = values[i]!
      if (!Number.isFinite(x)) throw new FingerprintError(`non-finite value ${x} in tensor "${name}" at index ${i}`)
      squares += x * x
      if (x === 0) continue
      // One 32-bit word holds the signs of 32 projections; k <= 64 needs at most two per element.
      let word = counterHash(seed, 2 * index)
      for (let j = 0; j < projections; j++) {
        if (j === 32) word = counterHash(seed, 2 * index + 1)
        sums[j] = sums[j]! + ((word >>> (j & 31)) & 1 ? -x : x)
      }
    }
  }

  const norm = Math.sqrt(squares)
  const sketch = new Int32Array(length)
  sketch[0] = toInt32(resolution * linearLog2(Math.max(norm, MIN_NORM)))
  for (let j = 0; j < projections; j++) sketch[j + 1] = norm === 0 ? 0 : toInt32(resolution * (sums[j]! / norm))
  return sketch
}

const bits = new DataView(new ArrayBuffer(8))

/** e + (m - 1) for a positive normal float64 x = m * 2^e, m in [1, 2), read from its bits. */
function linearLog2 (x: number): number {
  bits.setFloat64(0, x)
  const exponent = ((bits.getUint16(0) >>> 4) & 0x7ff) - 1023
  bits.setUint16(0, (bits.getUint16(0) & 0x800f) | (1023 << 4)) // the same mantissa with exponent 0
  return exponent + (bits.getFloat64(0) - 1)
}

/** Round half away from zero, saturating at the int32 range the contract stores. */
function toInt32 (value: number): number {
  const rounded = Math.sign(value) * Math.round(Math.abs(value))
  return Math.max(INT32_MIN, Math.min(INT32_MAX, rounded))
}

/** A delta's sketch as its task asks for it (length and resolution), under an attempt's seed. */
export function taskFingerprint (delta: WeightSet, spec: { fingerprint: { length: number, resolution: number } }, seed: number): Int32Array {
  return fingerprint(delta, { length: spec.fingerprint.length, seed, resolution: spec.fingerprint.resolution })
}

/** L-infinity distance, max_i |a_i - b_i|, exactly as the contract computes it. */
export function fingerprintDistance (a: Int32Array, b: Int32Array): number {
  if (a.length !== b.length) throw new FingerprintError(`fingerprints differ in length: ${a.length} vs ${b.length}`)
  let distance = 0
  for (let i = 0; i < a.length; i++) distance = Math.max(distance, Math.abs(a[i]! - b[i]!))
  return distance
}

export function fingerprintsAgree (a: Int32Array, b: Int32Array, tolerance: number): boolean {
  return fingerprintDistance(a, b) <= tolerance
}

/**
 * The fingerprint as the contract takes it (reveals, decisions, `Revealed` events): each entry a
 * big-endian two's-complement int32, 4 bytes per entry. An eighth of what `int32[]` costs in
 * calldata and logs, whose 32-byte words are all 0xff for a negative entry.
 */
export function packFingerprint (fp: readonly number[] | Int32Array): Hex {
  const bytes = new Uint8Array(fp.length * 4)
  const view = new DataView(bytes.buffer)
  fp.forEach((v, i) => {
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX) throw new FingerprintError(`fingerprint entry ${i} is ${v}, not an int32`)
    view.setInt32(4 * i, v)
  })
  return bytesToHex(bytes)
}

/** The entries of a packed fingerprint (`packFingerprint`'s inverse). */
export function unpackFingerprint (packed: Hex): number[] {
  const bytes = hexToBytes(packed)
  if (bytes.length % 4 !== 0) throw new FingerprintError(`a packed fingerprint has 4 bytes per entry, not ${bytes.length} bytes`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  return Array.from({ length: bytes.length / 4 }, (_, i) => view.getInt32(4 * i))
}
