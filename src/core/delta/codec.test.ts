import { bytesToHex, keccak256, type Hex } from 'viem'
import { describe, expect, it } from 'vitest'
import { Rng } from '../random.ts'
import { layoutOf, type WeightSet } from '../tensors.ts'
import { MNIST_MLP_LAYOUT, randomWeights, SMALL_LAYOUT } from '../../testing/randomWeights.ts'
import { crc32 } from './crc32.ts'
import { decodeError, resealed } from '../../testing/deltaBytes.ts'
import { bindDelta, decodeDelta, DeltaDecodeError, DeltaEncodeError, encodeDelta, onChainDeltaFault, readDeltaBinding } from './codec.ts'
import { deltaBinding, type ResultSlot } from './binding.ts'
import { rawCid } from '../../storage/cid.ts'

const MAX = 1 << 24

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
  })
})

describe('delta codec format', () => {
  it('is pinned: the header layout of the doc comment, and the same bytes as when version 2 was fixed', () => {
    const rng = new Rng(2024)
    const delta: WeightSet = [
      { name: 'w', shape: [40, 3], values: Float32Array.from({ length: 120 }, () => rng.nextFloat() - 0.5) },
      { name: 'b', shape: [3], values: Float32Array.from([0.25, -1, 0]) }
    ]
    const binding = bytesToHex(Uint8Array.from({ length: 32 }, (_, i) => i + 1))
    const bytes = encodeDelta(delta, { chunkSize: 16, binding })
    // "MLBD", version 2, int8, reserved, chunk 16, 2 tensors, binding 01..20, "w" [40, 3], "b" [3]
    expect([...bytes.subarray(0, 68)]).toEqual([
      77, 76, 66, 68, 2, 0, 1, 0, 16, 0, 0, 0, 2, 0, 0, 0,
      ...Array.from({ length: 32 }, (_, i) => i + 1),
      1, 0, 119, 2, 40, 0, 0, 0, 3, 0, 0, 0, 1, 0, 98, 1, 3, 0, 0, 0
    ])
    // Header 68 + "w": 8 scales + 120 values + "b": 1 scale + 3 values + CRC.
    expect(bytes.length).toBe(68 + (32 + 120) + (4 + 3) + 4)
    // The stored CRC, not crc32(bytes): a CRC over data and its own CRC is the same constant for any data.
    expect(new DataView(bytes.buffer).getUint32(bytes.length - 4, true)).toBe(2272070397)
  })
})

describe('delta codec round trip', () => {
  it('float32 is exact and keeps names, shapes and order', () => {
    const delta = randomWeights(1, SMALL_LAYOUT)
    const decoded = decodeDelta(encodeDelta(delta, { scheme: 'float32' }), { maxBytes: MAX, expected: SMALL_LAYOUT })
    expect(decoded).toEqual(delta)
  })

  it('int8 error stays within half a scale step of every chunk (seeded property)', () => {
    const rng = new Rng(42)
    for (let trial = 0; trial < 40; trial++) {
      const chunkSize = 1 + rng.nextInt(300)
      const layout = [
        { name: 'w', shape: [1 + rng.nextInt(40), 1 + rng.nextInt(40)] },
        { name: 'b', shape: [rng.nextInt(50)] }
      ]
      // Magnitudes from 1e-8 to 1e2, with a few outliers, to exercise per-chunk scales.
      const delta = randomWeights(rng.nextUint32(), layout, 10 ** (rng.nextFloat() * 10 - 8))
      for (const tensor of delta) {
        if (tensor.values.length > 0 && rng.nextFloat() < 0.5) tensor.values[rng.nextInt(tensor.values.length)]! *= 1000
      }
      const bytes = encodeDelta(delta, { scheme: 'int8', chunkSize })
      const decoded = decodeDelta(bytes, { maxBytes: MAX, expected: layout })
      delta.forEach((tensor, t) => {
        const out = decoded[t]!.values
        for (let start = 0; start < tensor.values.length; start += chunkSize) {
          const chunk = tensor.values.subarray(start, start + chunkSize)
          const scale = Math.max(...chunk.map(Math.abs)) / 127
          for (let i = 0; i < chunk.length; i++) {
            // scale/2 from rounding, plus float32 rounding of the scale and of the decoded value.
            expect(Math.abs(chunk[i]! - out[start + i]!)).toBeLessThanOrEqual(scale / 2 * (1 + 1e-6) + Math.abs(chunk[i]!) * 2 ** -23)
          }
        }
      })
    }
  })

  it('int8 keeps zeros, signs and chunk maxima exact', () => {
    const delta: WeightSet = [{ name: 'x', shape: [6], values: new Float32Array([0, -0.5, 0.25, 1, -1, 0]) }]
    const out = decodeDelta(encodeDelta(delta, { chunkSize: 3 }), { maxBytes: MAX })[0]!.values
    expect(out[0]).toBe(0)
    expect(out[1]).toBe(-0.5)
    expect(out[3]).toBe(1)
    expect(out[4]).toBe(-1)
    expect(Math.abs(out[2]! - 0.25)).toBeLessThanOrEqual(0.5 / 127 / 2)
  })

  it('is deterministic and about a quarter of float32 for the MNIST MLP', () => {
    const delta = randomWeights(7, MNIST_MLP_LAYOUT, 1e-3)
    const int8 = encodeDelta(delta)
    expect(encodeDelta(delta)).toEqual(int8)
    const float32 = encodeDelta(delta, { scheme: 'float32' })
    expect(int8.length / float32.length).toBeLessThan(0.27)
  })

  it('decodes from a view into a larger buffer', () => {
    const bytes = encodeDelta(randomWeights(3, SMALL_LAYOUT))
    const padded = new Uint8Array(bytes.length + 10)
    padded.set(bytes, 5)
    expect(decodeDelta(padded.subarray(5, 5 + bytes.length), { maxBytes: MAX })).toEqual(decodeDelta(bytes, { maxBytes: MAX }))
  })
})

describe('delta codec rejects bad input with a clear error', () => {
  const bytes = encodeDelta(randomWeights(5, SMALL_LAYOUT))

  it('oversized input before parsing', () => {
    expect(decodeError(bytes, { maxBytes: 100 })).toBe(`oversized: ${bytes.length} bytes > maxBytes 100`)
  })

  it('truncated input at every length', () => {
    for (let length = 0; length < bytes.length; length++) {
      expect(decodeError(bytes.subarray(0, length))).toMatch(new RegExp(`^truncated at byte ${length}`))
    }
  })

  it('trailing bytes', () => {
    const longer = new Uint8Array(bytes.length + 3)
    longer.set(bytes)
    expect(decodeError(longer)).toMatch(/3 trailing bytes/)
  })

  it('a flipped bit anywhere in the body', () => {
    const rng = new Rng(9)
    for (let trial = 0; trial < 50; trial++) {
      const corrupt = bytes.slice()
      // Past the header and tensor table (132 bytes) so that the checksum, not a header check, has to catch it.
      const at = 132 + rng.nextInt(corrupt.length - 136)
      corrupt[at]! ^= 1 << rng.nextInt(8)
      expect(decodeError(corrupt)).toMatch(/^bad checksum: stored 0x[0-9a-f]{8}, computed 0x[0-9a-f]{8}$/)
    }
  })

  it('an unknown version, magic or scheme', () => {
    const future = bytes.slice()
    future[4] = 3
    expect(decodeError(future)).toBe('unknown version 3 (this build reads 2)')
    const foreign = bytes.slice()
    foreign[0] = 0
    expect(decodeError(foreign)).toMatch(/bad magic/)
    const scheme = bytes.slice()
    scheme[6] = 9
    expect(decodeError(scheme)).toBe('unknown scheme 9')
  })

  it('a shape other than the model expects, naming the tensor', () => {
    const expected = layoutOf(randomWeights(5, SMALL_LAYOUT))
    expected[2] = { name: 'b/kernel', shape: [5, 4] }
    expect(decodeError(bytes, { maxBytes: MAX, expected })).toBe('wrong shape for tensor "b/kernel": expected [5, 4], got [5, 3]')
    expect(decodeError(bytes, { maxBytes: MAX, expected: [...SMALL_LAYOUT, { name: 'c', shape: [1] }] })).toBe('missing tensor "c"')
    expect(decodeError(bytes, { maxBytes: MAX, expected: SMALL_LAYOUT.slice(0, 3) })).toBe('unexpected tensor "scalar"')
    expect(decodeError(bytes, { maxBytes: MAX, expected: [SMALL_LAYOUT[1]!, SMALL_LAYOUT[0]!, ...SMALL_LAYOUT.slice(2)] }))
      .toBe('tensor "a/bias" is at position 1, expected 0')
  })

  it('a shape that claims more values than the input holds, without allocating', () => {
    const huge = bytes.slice()
    // First tensor "a/kernel": u16 name length at 48, 8 name bytes, rank at 58, dims from 59.
    new DataView(huge.buffer).setUint32(59, 0xffffffff, true)
    expect(decodeError(huge)).toMatch(/^truncated at byte \d+: tensor "a\/kernel" has shape \[4294967295, 5\]/)
  })

  it('non-finite values and scales, naming the tensor and index', () => {
    const delta: WeightSet = [{ name: 'w', shape: [2], values: new Float32Array([1, 2]) }]
    const float32 = encodeDelta(delta, { scheme: 'float32' })
    const payload = float32.length - 12
    new DataView(float32.buffer).setFloat32(payload + 4, Number.NaN, true)
    expect(decodeError(resealed(float32))).toBe('non-finite value NaN in tensor "w" at index 1')

    const int8 = encodeDelta(delta, { scheme: 'int8' })
    new DataView(int8.buffer).setFloat32(int8.length - 10, Number.POSITIVE_INFINITY, true)
    expect(decodeError(resealed(int8))).toBe('bad scale Infinity for chunk 0 of tensor "w"')
  })

  it('refuses to encode non-finite values or duplicate names', () => {
    expect(() => encodeDelta([{ name: 'w', shape: [2], values: new Float32Array([1, Number.NaN]) }]))
      .toThrow(new DeltaEncodeError('non-finite value NaN in tensor "w" at index 1'))
    const w = { name: 'w', shape: [1], values: new Float32Array(1) }
    expect(() => encodeDelta([w, w])).toThrow(DeltaEncodeError)
    expect(() => encodeDelta([{ name: 'w', shape: [3], values: new Float32Array(2) }])).toThrow(/2 values for shape \[3\]/)
  })
})

describe('delta binding', () => {
  const delta = randomWeights(11, SMALL_LAYOUT)
  const replica: ResultSlot = {
    chainId: 31337,
    verifier: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
    taskId: 4,
    round: 2,
    shard: 1,
    attempt: 0,
    provider: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
  }
  const bound = deltaBinding(replica)

  it('is keccak256 of the seven abi-encoded words of its doc comment', () => {
    const word = (value: bigint | string): string => BigInt(value).toString(16).padStart(64, '0')
    const words = [31337n, replica.verifier, 4n, 2n, 1n, 0n, replica.provider].map((v) => word(v)).join('')
    expect(bound).toBe(keccak256(`0x${words}`))
    expect(deltaBinding({ ...replica, chainId: 31337n, attempt: 1 })).not.toBe(bound)
  })

  it('round-trips: written by the encoder, read back, and accepted by a decoder that expects it', () => {
    const bytes = encodeDelta(delta, { binding: bound })
    expect(readDeltaBinding(bytes)).toBe(bound)
    expect(decodeDelta(bytes, { maxBytes: MAX, binding: bound.toUpperCase().replace('0X', '0x') as Hex })).toEqual(decodeDelta(bytes, { maxBytes: MAX }))
    expect(readDeltaBinding(encodeDelta(delta))).toBe(`0x${'00'.repeat(32)}`)
  })

  it('bindDelta changes only the binding and the CRC', () => {
    const unbound = encodeDelta(delta, { scheme: 'float32' })
    const rebound = bindDelta(unbound, bound)
    expect(rebound).toEqual(encodeDelta(delta, { scheme: 'float32', binding: bound }))
    expect(unbound).toEqual(encodeDelta(delta, { scheme: 'float32' }))
    const changed = [...rebound.keys()].filter((i) => rebound[i] !== unbound[i])
    expect(changed.every((i) => (i >= 16 && i < 48) || i >= rebound.length - 4)).toBe(true)
    expect(decodeDelta(rebound, { maxBytes: MAX, binding: bound })).toEqual(delta)
  })

  it('bindDelta refuses what is not a well-formed delta, and never mends a bad checksum', () => {
    const bytes = encodeDelta(delta)
    expect(() => bindDelta(bytes.subarray(0, 40), bound)).toThrow(/^truncated at byte 40: the binding/)
    const foreign = bytes.slice()
    foreign[0] = 0
    expect(() => bindDelta(foreign, bound)).toThrow(/bad magic/)
    const corrupt = bytes.slice()
    corrupt[150]! ^= 1
    expect(() => bindDelta(corrupt, bound)).toThrow(/^bad checksum/)
    expect(() => bindDelta(bytes, '0x1234')).toThrow(new DeltaEncodeError('binding must be 32 bytes of hex, got 0x1234'))
  })

  it('refuses a binding other than the expected one, naming both', () => {
    const other = deltaBinding({ ...replica, shard: 2 })
    expect(decodeError(encodeDelta(delta, { binding: bound }), { maxBytes: MAX, binding: other })).toBe(`bound to ${bound}, expected ${other}`)
  })

  it('gives replicas with identical floats but different providers different bytes and CIDs', async () => {
    const a = encodeDelta(delta, { binding: bound })
    const b = encodeDelta(delta, { binding: deltaBinding({ ...replica, provider: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' }) })
    expect(a).not.toEqual(b)
    expect((await rawCid(a)).toString()).not.toBe((await rawCid(b)).toString())
  })

  it('attack: a delta bound to attempt 0 is refused for attempt 1, and one bound to provider A when provider B reveals it', () => {
    const attempt0 = encodeDelta(delta, { binding: bound })
    expect(decodeError(attempt0, { maxBytes: MAX, binding: deltaBinding({ ...replica, attempt: 1 }) }))
      .toBe(`bound to ${bound}, expected ${deltaBinding({ ...replica, attempt: 1 })}`)

    const providerB = '0x90f79bf6eb2c4f3e1ccb0ddaf2c7ea0eb4a0f7ae'
    const fromA = encodeDelta(delta, { binding: bound })
    expect(decodeError(fromA, { maxBytes: MAX, binding: deltaBinding({ ...replica, provider: providerB }) })).toMatch(/^bound to /)
    // B rebinding A's bytes to itself gets other bytes, so not the CID A published.
    expect(bindDelta(fromA, deltaBinding({ ...replica, provider: providerB }))).not.toEqual(fromA)
  })

  it('onChainDeltaFault finds what ResultChallenges.proveInvalidDelta checks: the fixed header and the binding, nothing after them', () => {
    const bytes = encodeDelta(delta, { binding: bound })
    expect(onChainDeltaFault(bytes, bound)).toBeUndefined()
    expect(onChainDeltaFault(bytes, deltaBinding({ ...replica, attempt: 1 }))).toBe(`bound to ${bound}, expected ${deltaBinding({ ...replica, attempt: 1 })}`)
    expect(onChainDeltaFault(bytes.subarray(0, 47), bound)).toMatch(/^truncated at byte 47: the binding/)
    // As in the contract's fuzz test: any change to the magic, the version or the binding is a fault.
    for (const at of [0, 1, 2, 3, 4, 5, ...Array.from({ length: 32 }, (_, i) => 16 + i)]) {
      const changed = bytes.slice()
      changed[at]! ^= 0x41
      expect(onChainDeltaFault(changed, bound), `byte ${at}`).toBeDefined()
    }
    const scheme = bytes.slice()
    scheme[6] = 0 // float32 with a chunk size
    expect(onChainDeltaFault(scheme, bound)).toBe('chunk size 256 is not valid for scheme float32')
    // The reserved byte, the tensor count and a corrupt body need the whole decoder: the referee's.
    for (const at of [7, 12, 100, bytes.length - 1]) {
      const changed = bytes.slice()
      changed[at]! ^= 0x41
      expect(onChainDeltaFault(changed, bound), `byte ${at}`).toBeUndefined()
    }
  })

  it('refuses format version 1, which has no binding', () => {
    const v1 = encodeDelta(delta).slice()
    v1[4] = 1
    expect(decodeError(v1)).toBe('format version 1 is no longer accepted: it has no binding (this build reads 2)')
    expect(() => readDeltaBinding(v1)).toThrow(DeltaDecodeError)
  })
})
