import { bytesToHex, keccak256, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { Rng } from '../random.ts'
import { layoutOf, type WeightLayout, type WeightSet } from '../tensors.ts'
import { MNIST_MLP_LAYOUT, randomWeights } from '../../testing/randomWeights.ts'
import { BitWriter } from './bits.ts'
import { bindDelta, decodeDelta, DeltaEncodeError, encodeDelta, onChainDeltaFault, readDeltaEncoding, resolveEncoding, tensorTable } from './codec.ts'
import { crc32 } from './crc32.ts'
import { decodeError, resealed } from '../../testing/deltaBytes.ts'
import { indexBits, topKBodyBytes, topKOf } from './topk.ts'

const MAX = 1 << 24

function flat (set: WeightSet): Float32Array {
  return Float32Array.from(set.flatMap((t) => Array.from(t.values)))
}

/** The kept positions of every chunk by the definition: |x| descending, ties to the lower index. */
function referencePicks (values: Float32Array, chunkSize: number, k: number): number[] {
  const picks: number[] = []
  for (let start = 0; start < values.length; start += chunkSize) {
    const positions = Array.from({ length: Math.min(chunkSize, values.length - start) }, (_, i) => start + i)
    positions.sort((a, b) => Math.abs(values[b]!) - Math.abs(values[a]!) || a - b)
    picks.push(...positions.slice(0, k).sort((a, b) => a - b))
  }
  return picks
}

/** Three tensors of 3, 5 and 1 values: with chunks of 4, chunk 0 spans "a" and "b", chunk 1 "b" and "c". */
const SPANNING: WeightLayout = [{ name: 'a', shape: [3] }, { name: 'b', shape: [5] }, { name: 'c', shape: [] }]
const set = (layout: WeightLayout, values: number[]): WeightSet => {
  let offset = 0
  return layout.map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1)
    offset += size
    return { name, shape: [...shape], values: Float32Array.from(values.slice(offset - size, offset)) }
  })
}

describe('topk delta format', () => {
  it('is pinned: header, layout hash, N, k and bit-packed records, as protocol section 8 states them', () => {
    const delta = set(SPANNING, [0.5, -2, 0.25, 1, -1, 0, 3, -0.125, 0.75])
    const binding = bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => i + 1))
    const bytes = encodeDelta(delta, { scheme: 'topk', chunkSize: 4, topK: 2, bits: 4, binding })
    expect([...bytes.subarray(0, 16)]).toEqual([77, 76, 66, 68, 2, 0, 2, 4, 4, 0, 0, 0, 3, 0, 0, 0])
    expect(bytesToHex(bytes.subarray(48, 80))).toBe(keccak256(tensorTable(SPANNING)))
    expect([...bytes.subarray(80, 88)]).toEqual([9, 0, 0, 0, 2, 0, 0, 0])
    // Chunk 0 [0.5, -2, 0.25, 1] keeps 1 (-2) and 3 (1): scale bf16(2 / 7) = 0x3e92 = 0.28515625, indices 1
    // and 3 in 2 bits each, then codes round(-2 / s) = -7 (0b1001) and round(1 / s) = round(3.507) = 4 (0b0100).
    expect([...bytes.subarray(88, 92)]).toEqual([0x92, 0x3e, 0b1001_11_01, 0b0100])
    // Chunk 1 [-1, 0, 3, -0.125] keeps 0 and 2 (scale bf16(3 / 7) = 0x3edb); chunk 2 [0.75] its only value (0x3ddb).
    expect([...bytes.subarray(92, 96)]).toEqual([0xdb, 0x3e, 0b1110_10_00, 0b0111]) // indices 0, 2; codes -2, 7
    expect([...bytes.subarray(96, 99)]).toEqual([0xdb, 0x3d, 0b0111_00]) // index 0, code 7, two zero bits
    expect(bytes.length).toBe(48 + 40 + 3 * 4 - 1 + 4)
    expect(bytes.length).toBe(48 + topKBodyBytes(9, { chunkSize: 4, topK: 2, bits: 4 }) + 4)
    const decoded = decodeDelta(bytes, { maxBytes: MAX, expected: SPANNING, binding })
    const [s0, s1, s2] = [0.28515625, 0.427734375, 0.10693359375]
    expect(Array.from(flat(decoded))).toEqual([0, -7 * s0, 0, 4 * s0, -2 * s1, 0, 7 * s1, 0, 7 * s2])
  })

  it('keeps the size formula: 88 + per chunk 2 + ceil(k_c (w + b) / 8) + 4 bytes, w = 12 for 4,096', () => {
    expect(indexBits(4096)).toBe(12)
    expect(indexBits(4097)).toBe(13)
    expect(indexBits(2)).toBe(1)
    expect(indexBits(1)).toBe(0)
    expect(topKOf(0.01, 4096)).toBe(41)
    const layout: WeightLayout = [{ name: 'w', shape: [100, 100] }]
    // 10,000 values: two full chunks and one of 1,808, each keeping 41: 2 + ceil(41 x 14 / 8) = 74 bytes (2-bit), 84 (4-bit).
    expect(encodeDelta(randomWeights(1, layout), { scheme: 'topk', bits: 2 }).length).toBe(48 + 40 + 3 * 74 + 4)
    expect(encodeDelta(randomWeights(1, layout), { scheme: 'topk', bits: 4 }).length).toBe(48 + 40 + 3 * 84 + 4)
    // A last chunk shorter than k keeps all of its values.
    const small: WeightLayout = [{ name: 'w', shape: [4096 + 30] }]
    expect(encodeDelta(randomWeights(1, small), { scheme: 'topk' }).length).toBe(48 + 40 + 74 + (2 + Math.ceil(30 * 14 / 8)) + 4)
    for (const bits of [2, 4] as const) {
      for (const [chunkSize, topK] of [[4096, 41], [1000, 7], [1, 1], [65536, 65536]] as const) {
        const delta = randomWeights(chunkSize, MNIST_MLP_LAYOUT)
        expect(encodeDelta(delta, { scheme: 'topk', bits, chunkSize, topK }).length).toBe(48 + topKBodyBytes(101_770, { chunkSize, topK, bits }) + 4)
      }
    }
  })
})

describe('topk delta round trip', () => {
  for (const bits of [2, 4] as const) {
    it(`${bits}-bit keeps exactly the top k of every chunk of the flattened delta, across tensor boundaries (seeded property)`, () => {
      const rng = new Rng(bits)
      for (let trial = 0; trial < 30; trial++) {
        const chunkSize = 1 + rng.nextInt(300)
        const topK = 1 + rng.nextInt(chunkSize)
        const layout: WeightLayout = [{ name: 'w', shape: [1 + rng.nextInt(30), 1 + rng.nextInt(30)] }, { name: 'b', shape: [rng.nextInt(40)] }, { name: 's', shape: [] }]
        const delta = randomWeights(rng.nextUint32(), layout, 10 ** (rng.nextFloat() * 8 - 6))
        const values = flat(delta)
        const decoded = flat(decodeDelta(encodeDelta(delta, { scheme: 'topk', chunkSize, topK, bits }), { maxBytes: MAX, expected: layout }))
        const picks = referencePicks(values, chunkSize, topK)
        const kept = new Set(picks)
        decoded.forEach((v, i) => { if (!kept.has(i)) expect(v, `position ${i}`).toBe(0) })
        for (let start = 0; start < values.length; start += chunkSize) {
          const chunk = picks.filter((i) => i >= start && i < start + chunkSize)
          const magnitudes = chunk.map((i) => Math.abs(values[i]!))
          if (bits === 2) {
            // One magnitude per chunk, the mean of the kept values' within bfloat16's 8 bits, with each value's sign.
            const mean = magnitudes.reduce((a, b) => a + b, 0) / chunk.length
            for (const i of chunk) {
              if (Math.abs(values[i]!) < mean / 2 * (1 + 2 ** -8)) continue // may round to 0 with the rounded scale
              expect(Math.sign(decoded[i]!)).toBe(Math.sign(values[i]!))
              expect(Math.abs(Math.abs(decoded[i]!) - mean)).toBeLessThanOrEqual(mean * 2 ** -8)
            }
          } else {
            const step = Math.max(...magnitudes) / 7
            for (const i of chunk) expect(Math.abs(decoded[i]! - values[i]!)).toBeLessThanOrEqual(step / 2 + 7 * step * 2 ** -8)
          }
        }
      }
    })
  }

  it('is deterministic: the same values give the same bytes, whatever arrays hold them', () => {
    const delta = randomWeights(3, MNIST_MLP_LAYOUT, 1e-3)
    const copy = delta.map((t) => ({ ...t, shape: [...t.shape], values: t.values.slice() }))
    for (const bits of [2, 4] as const) expect(encodeDelta(copy, { scheme: 'topk', bits })).toEqual(encodeDelta(delta, { scheme: 'topk', bits }))
  })

  it('breaks ties by the lower index, -0 and 0 included, and keeps an all-zero chunk as zeros', () => {
    const layout: WeightLayout = [{ name: 'x', shape: [12] }]
    const delta = set(layout, [1, -1, 0.5, 1, -1, 0, 0, -0, 0, 0, 2, 2])
    const decoded = (topK: number): number[] => Array.from(flat(decodeDelta(encodeDelta(delta, { scheme: 'topk', chunkSize: 4, topK, bits: 2 }), { maxBytes: MAX, expected: layout })))
    // Chunk 0 [1, -1, 0.5, 1]: k = 2 keeps 0 and 1, k = 3 adds 3 (|1| ties beat 0.5 by value, then index).
    // Chunk 1 [-1, 0, 0, -0]: k = 2 keeps -1 and the first zero. Chunk 2 [0, 0, 2, 2].
    expect(decoded(2).slice(0, 4)).toEqual([1, -1, 0, 0])
    expect(decoded(3).slice(0, 4)).toEqual([1, -1, 0, 1])
    const bytes = encodeDelta(delta, { scheme: 'topk', chunkSize: 4, topK: 2, bits: 2 })
    // Record 1 (after record 0's 2 + 1 bytes at 88): indices 0 and 1, so the zero at 1 is the one kept.
    expect(bytes[91 + 2]! & 0b1111).toBe(0b0100)
    const zeros = set(layout, Array.from({ length: 12 }, () => 0))
    expect(Array.from(flat(decodeDelta(encodeDelta(zeros, { scheme: 'topk', chunkSize: 5, topK: 2 }), { maxBytes: MAX, expected: layout })))).toEqual(Array.from({ length: 12 }, () => 0))
  })

  it('places values that a chunk takes from two tensors in their own tensors', () => {
    const delta = set(SPANNING, [0, 0, 5, -6, 0, 0, 0, 0, 0.5])
    const decoded = decodeDelta(encodeDelta(delta, { scheme: 'topk', chunkSize: 4, topK: 2, bits: 4 }), { maxBytes: MAX, expected: SPANNING })
    expect(layoutOf(decoded)).toEqual(SPANNING)
    // Chunk 0 [0, 0, 5, -6]: scale bf16(6 / 7) = 0.85546875, codes 6 and -7. Chunk 1 is all zeros. Chunk 2 [0.5].
    expect(Array.from(decoded[0]!.values)).toEqual([0, 0, 6 * 0.85546875])
    expect(Array.from(decoded[1]!.values)).toEqual([-7 * 0.85546875, 0, 0, 0, 0])
    expect(Array.from(decoded[2]!.values)).toEqual([7 * 0.0712890625])
  })

  it('binds like the other schemes, and readDeltaEncoding reports what the header and k state', () => {
    const delta = randomWeights(4, MNIST_MLP_LAYOUT)
    const binding: Hex = `0x${'ab'.repeat(32)}`
    const bytes = encodeDelta(delta, { scheme: 'topk', bits: 4 })
    expect(bindDelta(bytes, binding)).toEqual(encodeDelta(delta, { scheme: 'topk', bits: 4, binding }))
    expect(readDeltaEncoding(bytes)).toEqual({ scheme: 'topk', chunkSize: 4096, bits: 4, topK: 41 })
    expect(readDeltaEncoding(encodeDelta(delta))).toEqual({ scheme: 'int8', chunkSize: 256 })
  })

  it('refuses to encode with parameters no decoder accepts', () => {
    const delta = randomWeights(4, MNIST_MLP_LAYOUT)
    expect(() => encodeDelta(delta, { scheme: 'topk', chunkSize: 65537 })).toThrow(new DeltaEncodeError('chunk size 65537 is not valid for scheme topk (1 to 65536)'))
    expect(() => encodeDelta(delta, { scheme: 'topk', bits: 3 as 2 })).toThrow(new DeltaEncodeError('bits 3 is not valid for scheme topk (2 or 4)'))
    expect(() => encodeDelta(delta, { scheme: 'topk', chunkSize: 16, topK: 17 })).toThrow(new DeltaEncodeError('k 17 is not valid for chunk size 16 (1 to 16)'))
    expect(() => resolveEncoding({ scheme: 'topk', topK: 0 })).toThrow(DeltaEncodeError)
  })
})

/** A topk delta of SPANNING written field by field, so a test can make any one of them wrong. */
interface Record { scale: number, indices: number[], codes: number[], padding?: number }
function handmade (opts: { records: Record[], chunkSize?: number, bits?: number, topK?: number, count?: number, tensors?: number, hash?: Hex, layout?: WeightLayout }): Uint8Array {
  const chunkSize = opts.chunkSize ?? 4
  const bits = opts.bits ?? 2
  const out = new Uint8Array(4096)
  const view = new DataView(out.buffer)
  view.setUint32(0, 0x44424c4d, true)
  view.setUint16(4, 2, true)
  out[6] = 2
  out[7] = bits
  view.setUint32(8, chunkSize, true)
  view.setUint32(12, opts.tensors ?? 3, true)
  out.set(Buffer.from((opts.hash ?? keccak256(tensorTable(opts.layout ?? SPANNING))).slice(2), 'hex'), 48)
  view.setUint32(80, opts.count ?? 9, true)
  view.setUint32(84, opts.topK ?? 2, true)
  let offset = 88
  for (const r of opts.records) {
    view.setUint16(offset, r.scale, true)
    const writer = new BitWriter(out, offset + 2)
    for (const i of r.indices) writer.write(i, indexBits(chunkSize))
    for (const c of r.codes) writer.write(c, bits)
    if (r.padding !== undefined) writer.write(r.padding, 1)
    offset = writer.end()
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true)
  return out.slice(0, offset + 4)
}

const ONE = 0x3f80 // bfloat16 1.0
const good = (): Record[] => [{ scale: ONE, indices: [1, 3], codes: [1, 3] }, { scale: ONE, indices: [0, 2], codes: [0, 1] }, { scale: ONE, indices: [0], codes: [3] }]

describe('topk decoder refuses malformed input, naming the problem', () => {
  const opts = { maxBytes: MAX, expected: SPANNING }

  it('accepts the handmade delta (codes 1 and -1 times scale 1)', () => {
    expect(Array.from(flat(decodeDelta(handmade({ records: good() }), opts)))).toEqual([0, 1, 0, -1, 0, 0, 1, 0, -1])
  })

  it('an index out of range, or indices not strictly increasing within a chunk', () => {
    const outOfRange = good()
    outOfRange[2] = { scale: ONE, indices: [1], codes: [1] } // the last chunk has one value
    expect(decodeError(handmade({ records: outOfRange }), opts)).toBe('index 1 out of range in chunk 2, which has 1 values')
    for (const indices of [[3, 1], [2, 2]]) {
      const unordered = good()
      unordered[0] = { scale: ONE, indices, codes: [1, 1] }
      expect(decodeError(handmade({ records: unordered }), opts)).toBe(`indices not strictly increasing in chunk 0: ${indices[1]!} after ${indices[0]!}`)
    }
  })

  it('a wrong k: zero, more than the chunk, or not the task\'s', () => {
    expect(decodeError(handmade({ records: good(), topK: 0 }), opts)).toBe('k 0 is not valid for chunk size 4 (1 to 4)')
    expect(decodeError(handmade({ records: good(), topK: 5 }), opts)).toBe('k 5 is not valid for chunk size 4 (1 to 4)')
    expect(decodeError(handmade({ records: good() }), { ...opts, encoding: { scheme: 'topk', chunkSize: 4, bits: 2, topK: 1 } })).toBe('k 2 values per chunk, expected 1')
  })

  it('wrong bits: not 2 or 4, or not the task\'s; another scheme or chunk size than the task\'s', () => {
    expect(decodeError(handmade({ records: good(), bits: 3 }), opts)).toBe('bits 3 is not valid for scheme topk (2 or 4)')
    expect(decodeError(handmade({ records: good(), bits: 0 }), opts)).toBe('bits 0 is not valid for scheme topk (2 or 4)')
    const bytes = handmade({ records: good() })
    expect(decodeError(bytes, { ...opts, encoding: { scheme: 'topk', chunkSize: 4, bits: 4, topK: 2 } })).toBe('2-bit values, expected 4-bit')
    expect(decodeError(bytes, { ...opts, encoding: { scheme: 'topk', chunkSize: 8, bits: 2, topK: 2 } })).toBe('chunk size 4, expected 8')
    expect(decodeError(bytes, { ...opts, encoding: { scheme: 'int8' } })).toBe('encoded as topk, expected int8')
    expect(decodeError(encodeDelta(set(SPANNING, [1, 2, 3, 4, 5, 6, 7, 8, 9])), { ...opts, encoding: { scheme: 'topk' } })).toBe('encoded as int8, expected topk')
  })

  it('a chunk size outside 1 to 65536', () => {
    expect(decodeError(handmade({ records: good(), chunkSize: 0 }), opts)).toBe('chunk size 0 is not valid for scheme topk (1 to 65536)')
    expect(decodeError(handmade({ records: [], chunkSize: 65537 }), opts)).toBe('chunk size 65537 is not valid for scheme topk (1 to 65536)')
  })

  it('a truncated body at every length, before anything is sized by it', () => {
    const bytes = handmade({ records: good() })
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeError(bytes.subarray(0, length), opts)).toMatch(new RegExp(`^truncated at byte ${length}`))
    }
  })

  it('trailing bytes, a wrong CRC, an oversized input', () => {
    const bytes = handmade({ records: good() })
    const longer = new Uint8Array(bytes.length + 2)
    longer.set(bytes)
    expect(decodeError(longer, opts)).toBe(`2 trailing bytes after the checksum at byte ${bytes.length - 4}`)
    for (let at = 48; at < bytes.length - 4; at++) {
      const corrupt = bytes.slice()
      corrupt[at]! ^= 0x10
      expect(decodeError(corrupt, opts), `byte ${at}`).toMatch(/^(bad checksum|wrong layout|k \d+ is not valid)/)
    }
    expect(decodeError(bytes, { ...opts, maxBytes: 50 })).toBe(`oversized: ${bytes.length} bytes > maxBytes 50`)
  })

  it('a non-finite or negative scale, and a decoded value that overflows', () => {
    for (const [scale, shown] of [[0x7f80, 'Infinity'], [0x7fc0, 'NaN'], [0xbf80, '-1']] as const) {
      const records = good()
      records[1] = { ...records[1]!, scale }
      expect(decodeError(handmade({ records }), opts)).toBe(`bad scale ${shown} (bfloat16 0x${scale.toString(16)}) for chunk 1`)
    }
    const huge = good()
    huge[0] = { scale: 0x7f7f, indices: [1, 3], codes: [1, 3] } // 3.39e38 is finite, 3.39e38 x -1 too
    expect(decodeDelta(handmade({ records: huge }), opts)[0]!.values[1]).toBe(Math.fround(3.3895313892515355e38))
    const four = handmade({ bits: 4, records: [{ scale: 0x7f7f, indices: [1, 3], codes: [7, 1] }, { scale: ONE, indices: [0, 2], codes: [0, 1] }, { scale: ONE, indices: [0], codes: [1] }] })
    expect(decodeError(four, opts)).toBe('non-finite value Infinity at tensor "a" index 1')
  })

  it('the most negative code, which is never written, naming the tensor and index', () => {
    const records = good()
    records[1] = { scale: ONE, indices: [0, 2], codes: [2, 1] }
    expect(decodeError(handmade({ records }), opts)).toBe('code -2 is never written (2-bit codes are -1 to 1), at tensor "b" index 1')
    const four = handmade({ bits: 4, records: [{ scale: ONE, indices: [1, 3], codes: [8, 1] }, { scale: ONE, indices: [0, 2], codes: [0, 1] }, { scale: ONE, indices: [0], codes: [1] }] })
    expect(decodeError(four, opts)).toBe('code -8 is never written (4-bit codes are -7 to 7), at tensor "a" index 1')
  })

  it('padding bits that are not zero', () => {
    const records = good()
    records[2] = { ...records[2]!, padding: 1 }
    expect(decodeError(handmade({ records }), opts)).toBe('padding bits after chunk 2 are not zero')
  })

  it('a wrong binding', () => {
    const bound: Hex = `0x${'11'.repeat(32)}`
    const bytes = bindDelta(handmade({ records: good() }), bound)
    expect(decodeError(bytes, { ...opts, binding: `0x${'22'.repeat(32)}` })).toBe(`bound to ${bound}, expected 0x${'22'.repeat(32)}`)
  })

  it('a wrong layout: another tensor count, value count or hash, or none given', () => {
    expect(decodeError(handmade({ records: good(), tensors: 2 }), opts)).toBe('wrong layout: 2 tensors, the expected layout has 3')
    expect(decodeError(handmade({ records: good(), count: 10 }), opts)).toBe('wrong layout: 10 values, the expected layout has 9')
    const renamed: WeightLayout = [{ name: 'a', shape: [3] }, { name: 'B', shape: [5] }, { name: 'c', shape: [] }]
    expect(decodeError(handmade({ records: good(), layout: renamed }), opts)).toBe(`wrong layout: layout hash ${keccak256(tensorTable(renamed))}, the expected layout's is ${keccak256(tensorTable(SPANNING))}`)
    // Same sizes, other shapes: [3] and [5] against [5] and [3] still differ by hash.
    const reshaped: WeightLayout = [{ name: 'a', shape: [5] }, { name: 'b', shape: [3] }, { name: 'c', shape: [] }]
    expect(decodeError(handmade({ records: good(), layout: reshaped }), opts)).toMatch(/^wrong layout: layout hash/)
    expect(decodeError(handmade({ records: good() }), { maxBytes: MAX })).toBe('a topk delta names its layout only by its hash: decoding it needs the expected layout')
  })

  it('a huge value count in the preamble, without allocating for it', () => {
    expect(decodeError(handmade({ records: good(), count: 0xffffffff }), opts)).toBe('wrong layout: 4294967295 values, the expected layout has 9')
  })
})

describe('onChainDeltaFault for topk (what DeltaHeader.isFaulty checks)', () => {
  const binding: Hex = `0x${'33'.repeat(32)}`
  const bytes = bindDelta(handmade({ records: good() }), binding)
  const withHeader = (at: number, value: number, width: 1 | 4 = 1): Uint8Array => {
    const changed = bytes.slice()
    if (width === 1) changed[at] = value
    else new DataView(changed.buffer).setUint32(at, value, true)
    return changed
  }

  it('passes a topk header with chunk size 1 to 65536 and 2 or 4 bits', () => {
    expect(onChainDeltaFault(bytes, binding)).toBeUndefined()
    expect(onChainDeltaFault(withHeader(7, 4), binding)).toBeUndefined()
    expect(onChainDeltaFault(withHeader(8, 1, 4), binding)).toBeUndefined()
    expect(onChainDeltaFault(withHeader(8, 65536, 4), binding)).toBeUndefined()
    // The body is the referee's: a wrong k, layout or CRC passes the header checks.
    expect(onChainDeltaFault(resealed(withHeader(84, 0, 4)), binding)).toBeUndefined()
  })

  it('refuses bits other than 2 or 4, a chunk size of 0 or over 65536, and schemes above 2', () => {
    for (const bits of [0, 1, 3, 5, 8, 255]) expect(onChainDeltaFault(withHeader(7, bits), binding)).toBe(`bits ${bits} is not valid for scheme topk (2 or 4)`)
    for (const chunk of [0, 65537, 0x01000000, 0xffffffff]) expect(onChainDeltaFault(withHeader(8, chunk, 4), binding)).toBe(`chunk size ${chunk} is not valid for scheme topk (1 to 65536)`)
    for (const scheme of [3, 4, 255]) expect(onChainDeltaFault(withHeader(6, scheme), binding)).toBe(`unknown scheme ${scheme}`)
    // int8 and float32 still ignore byte 7.
    expect(onChainDeltaFault(bindDelta(encodeDelta(randomWeights(1, SPANNING)), binding).map((b, i) => (i === 7 ? 3 : b)), binding)).toBeUndefined()
  })
})
