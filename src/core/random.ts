/**
 * Seeded randomness that every node reproduces bit for bit: 32-bit integer arithmetic only
 * (Math.imul, shifts), no Math.random and no platform crypto, so Node, browsers and workers agree.
 */

/** A task's root seed as the spec gives it. */
export type Seed = string | number

const utf8 = new TextEncoder()

/** murmur3's 32-bit finalizer: a bijection on uint32 with full avalanche. */
export function mix32 (x: number): number {
  x ^= x >>> 16
  x = Math.imul(x, 0x85ebca6b)
  x ^= x >>> 13
  x = Math.imul(x, 0xc2b2ae35)
  x ^= x >>> 16
  return x >>> 0
}

/**
 * Stateless random word number `counter` of the stream `key`: lets a consumer (the fingerprint's
 * projection) draw any entry on demand, in any order, without materialising the stream.
 */
export function counterHash (key: number, counter: number): number {
  return mix32((key ^ mix32(counter + Math.imul(key, 0x9e3779b9))) >>> 0)
}

/**
 * A uint32 seed for the labelled purpose under `root`, e.g. `deriveSeed(spec.seed, 'sample', round)`.
 * Each part is typed and length-prefixed before hashing, so `('ab', 'c')`, `('a', 'bc')` and
 * `(1)` vs `('1')` all differ.
 */
export function deriveSeed (root: Seed, ...labels: Array<string | number>): number {
  let text = ''
  for (const part of [root, ...labels]) {
    if (typeof part === 'number' && !(Number.isInteger(part) && part >= 0 && part <= 0xffffffff)) {
      throw new RangeError(`seed parts must be strings or uint32 integers, got ${part}`)
    }
    const body = String(part)
    text += `${typeof part === 'number' ? 'n' : 's'}${body.length}:${body}`
  }
  return fnv1a64to32(utf8.encode(text))
}

/** 64-bit FNV-1a (as two 32-bit halves) folded to 32 bits, so distinct labels rarely collide. */
function fnv1a64to32 (bytes: Uint8Array): number {
  // 64-bit offset basis 0xcbf29ce484222325, prime 0x100000001b3 = 2^40 + 0x1b3.
  let hi = 0xcbf29ce4
  let lo = 0x84222325
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i]!
    const loLow = lo & 0xffff
    const loHigh = lo >>> 16
    const a = Math.imul(loLow, 0x1b3)
    const b = Math.imul(loHigh, 0x1b3) + (a >>> 16)
    const newLo = ((b & 0xffff) << 16) | (a & 0xffff)
    hi = (Math.imul(hi, 0x1b3) + (b >>> 16) + (lo << 8)) >>> 0
    lo = newLo >>> 0
  }
  return mix32((hi ^ mix32(lo)) >>> 0)
}

/** xoshiro128** seeded through splitmix32: fast, 2^128 - 1 period, good for shuffles and test data. */
export class Rng {
  private s0: number
  private s1: number
  private s2: number
  private s3: number

  constructor (seed: number) {
    let state = seed >>> 0
    const next = (): number => {
      state = (state + 0x9e3779b9) >>> 0
      let z = state
      z = Math.imul(z ^ (z >>> 16), 0x21f0aaad)
      z = Math.imul(z ^ (z >>> 15), 0x735a2d97)
      return (z ^ (z >>> 15)) >>> 0
    }
    this.s0 = next()
    this.s1 = next()
    this.s2 = next()
    this.s3 = next()
  }

  nextUint32 (): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0
    const t = this.s1 << 9
    this.s2 ^= this.s0
    this.s3 ^= this.s1
    this.s1 ^= this.s2
    this.s0 ^= this.s3
    this.s2 ^= t
    this.s3 = rotl(this.s3, 11)
    return result
  }

  /** Uniform in [0, 1) with 32 random bits. */
  nextFloat (): number {
    return this.nextUint32() / 0x1_0000_0000
  }

  /** Uniform integer in [0, bound), unbiased (rejection sampling), for bound <= 2^32. */
  nextInt (bound: number): number {
    if (!(Number.isInteger(bound) && bound > 0 && bound <= 0x1_0000_0000)) throw new RangeError(`bound must be an integer in 1..2^32, got ${bound}`)
    const limit = 0x1_0000_0000 - (0x1_0000_0000 % bound)
    for (;;) {
      const x = this.nextUint32()
      if (x < limit) return x % bound
    }
  }

  /**
   * Standard normal (Box-Muller). Math.log and Math.cos are not bit-exact across JS engines, so use
   * it for test data and initialisation, never for values that must hash the same everywhere.
   */
  nextNormal (): number {
    const u = 1 - this.nextFloat()
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.nextFloat())
  }
}

function rotl (x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0
}
