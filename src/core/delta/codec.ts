import { bytesToHex, hexToBytes, isHex, type Hex } from 'viem'
import { formatShape, shapeSize, shapesEqual, type WeightLayout, type WeightSet } from '../tensors.ts'
import { crc32 } from './crc32.ts'
import { DeltaDecodeError, DeltaEncodeError } from './errors.ts'
import {
  checkTopKParams, DEFAULT_TOPK_BITS, DEFAULT_TOPK_CHUNK_SIZE, DEFAULT_TOPK_FRACTION, layoutHash, readTopKBody, readTopKPreamble,
  TOPK_PREAMBLE_BYTES, topKBodyBytes, topKOf, topKParamsProblem, writeTopKBody, type TopKBits, type TopKParams
} from './topk.ts'

export { DeltaDecodeError, DeltaEncodeError }

/**
 * The binary form of a delta (or of any weight set) as it is pinned and fetched by CID.
 * All integers and floats are little-endian.
 *
 *   offset size
 *   0      4    magic "MLBD"
 *   4      2    u16 format version (2; version 1, without the binding, is refused)
 *   6      1    u8 scheme: 0 = float32, 1 = int8, 2 = topk
 *   7      1    u8: topk, bits per value code (2 or 4); other schemes, reserved (written 0, ignored)
 *   8      4    u32 chunk size: values per int8 scale, values per topk chunk (1 to 65536); 0 for float32
 *   12     4    u32 tensor count
 *   16     32   binding: 32 opaque bytes, all zero unless set (see binding.ts for a delta's)
 *   48          float32 and int8:
 *                 per tensor: u16 name length in bytes, UTF-8 name, u8 rank, rank x u32 dims
 *                 payload, per tensor in header order:
 *                   float32: n x f32
 *                   int8:    ceil(n / chunk) x f32 scales, then n x i8 in [-127, 127]
 *               topk: the layout's hash instead of the tensor table, then the kept values of the
 *                 flattened delta chunk by chunk (topk.ts)
 *   end-4  4    u32 CRC-32 of every byte before it
 *
 * int8 is symmetric per chunk: scale = fround(max|x| / 127), q = x / scale rounded half away from
 * zero, decoded as fround(q * scale), so every value is off by at most scale / 2. Chunks never span
 * two tensors. The encoder is a pure function of the values and the binding, so the same delta gives
 * the same bytes and the same CID; so is topk's, whose selection breaks ties by index.
 *
 * The binding ties the bytes to one provider's attempt: two providers with the same floats publish
 * different bytes (different CIDs), and a copied delta decodes only where its original binding is
 * expected. The CRC covers it, as it covers every byte before the CRC.
 */
export const DELTA_MAGIC = 0x44424c4d // "MLBD" read as a little-endian u32
export const DELTA_FORMAT_VERSION = 2
export const DEFAULT_CHUNK_SIZE = 256

export type DeltaScheme = 'float32' | 'int8' | 'topk'

const SCHEME_CODES: Record<DeltaScheme, number> = { float32: 0, int8: 1, topk: 2 }
const FIXED_HEADER_BYTES = 16
const BINDING_BYTES = 32
/** The fixed header and the binding: where the tensor table starts. */
const HEADER_BYTES = FIXED_HEADER_BYTES + BINDING_BYTES
const CHECKSUM_BYTES = 4
const ZERO_BINDING: Hex = `0x${'00'.repeat(BINDING_BYTES)}`
const INT8_MAX = 127

/** How a delta is encoded: what a task chooses (taskEncoding.ts) and what the header states. */
export interface DeltaEncoding {
  scheme?: DeltaScheme
  /**
   * int8: values per scale (256 by default); smaller chunks cost 4 bytes each and bound the error
   * more tightly. topk: values per chunk (4,096 by default), 1 to 65536.
   */
  chunkSize?: number
  /** topk: bits per kept value, 2 (codes -1, 0, 1) or 4 (codes -7 to 7); 2 by default. */
  bits?: TopKBits
  /** topk: values kept per chunk; 1% of the chunk by default. */
  topK?: number
}

/** An encoding with every default filled in. */
export type ResolvedEncoding =
  | { scheme: 'float32' }
  | { scheme: 'int8', chunkSize: number }
  | ({ scheme: 'topk' } & TopKParams)

export interface EncodeDeltaOptions extends DeltaEncoding {
  /** 32 bytes written into the binding field; all zero when absent. */
  binding?: Hex
}

export interface DecodeDeltaOptions {
  /** Names and shapes the delta must have, in order (the model's layout); a topk delta needs it. */
  expected?: WeightLayout
  /** Inputs longer than this are refused before anything is parsed or allocated. */
  maxBytes: number
  /** The binding the delta must carry; a delta bound to anything else is refused. */
  binding?: Hex
  /** The encoding the delta must have (its task's); one encoded otherwise is refused. */
  encoding?: DeltaEncoding
}

/** The defaults filled in; throws DeltaEncodeError for settings no decoder accepts. */
export function resolveEncoding (encoding: DeltaEncoding = {}): ResolvedEncoding {
  const scheme = encoding.scheme ?? 'int8'
  switch (scheme) {
    case 'float32':
      return { scheme }
    case 'int8': {
      const chunkSize = encoding.chunkSize ?? DEFAULT_CHUNK_SIZE
      if (!(Number.isInteger(chunkSize) && chunkSize >= 1 && chunkSize <= 0xffffffff)) {
        throw new DeltaEncodeError(`chunkSize must be a positive integer, got ${chunkSize}`)
      }
      return { scheme, chunkSize }
    }
    case 'topk': {
      const chunkSize = encoding.chunkSize ?? DEFAULT_TOPK_CHUNK_SIZE
      const params = { chunkSize, bits: encoding.bits ?? DEFAULT_TOPK_BITS, topK: encoding.topK ?? topKOf(DEFAULT_TOPK_FRACTION, chunkSize) }
      checkTopKParams(params)
      return { scheme, ...params }
    }
  }
}

const utf8 = new TextEncoder()
const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

export function encodeDelta (delta: WeightSet, opts: EncodeDeltaOptions = {}): Uint8Array {
  const binding = bindingBytes(opts.binding ?? ZERO_BINDING, DeltaEncodeError)
  const encoding = resolveEncoding(opts)
  const table = tensorTable(delta, DeltaEncodeError)
  delta.forEach(({ name, shape, values }) => {
    if (values.length !== shapeSize(shape)) {
      throw new DeltaEncodeError(`tensor "${name}" has ${values.length} values for shape ${formatShape(shape)}`)
    }
    for (let i = 0; i < values.length; i++) {
      if (!Number.isFinite(values[i]!)) throw new DeltaEncodeError(`non-finite value ${values[i]} in tensor "${name}" at index ${i}`)
    }
  })

  const chunkSize = encoding.scheme === 'float32' ? 0 : encoding.chunkSize
  const body = encoding.scheme === 'topk'
    ? topKBodyBytes(shapeSizes(delta), encoding)
    : table.length + delta.reduce((n, { values }) => n + payloadBytes(encoding.scheme, values.length, chunkSize), 0)
  const out = new Uint8Array(HEADER_BYTES + body + CHECKSUM_BYTES)
  const view = new DataView(out.buffer)
  view.setUint32(0, DELTA_MAGIC, true)
  view.setUint16(4, DELTA_FORMAT_VERSION, true)
  view.setUint8(6, SCHEME_CODES[encoding.scheme])
  if (encoding.scheme === 'topk') view.setUint8(7, encoding.bits)
  view.setUint32(8, chunkSize, true)
  view.setUint32(12, delta.length, true)
  out.set(binding, FIXED_HEADER_BYTES)
  let offset = HEADER_BYTES
  if (encoding.scheme === 'topk') {
    offset = writeTopKBody(out, offset, flatten(delta), layoutHash(table), encoding)
  } else {
    out.set(table, offset)
    offset += table.length
    for (const { values } of delta) {
      offset = encoding.scheme === 'int8'
        ? writeInt8(view, offset, values, chunkSize)
        : writeFloat32(view, offset, values)
    }
  }
  view.setUint32(offset, crc32(out.subarray(0, offset)), true)
  return out
}

/**
 * The tensor table of schemes 0 and 1 (per tensor: u16 name length, UTF-8 name, u8 rank, u32 dims);
 * topk writes its keccak256 instead. Throws for duplicate names and what the fields cannot hold.
 */
export function tensorTable (layout: WeightLayout, ErrorClass: typeof DeltaEncodeError | typeof DeltaDecodeError = DeltaEncodeError): Uint8Array {
  const names = new Set<string>()
  const encodedNames = layout.map(({ name, shape }) => {
    if (names.has(name)) throw new ErrorClass(`duplicate tensor name "${name}"`)
    names.add(name)
    const bytes = utf8.encode(name)
    if (bytes.length > 0xffff) throw new ErrorClass(`tensor name "${name.slice(0, 40)}…" is longer than 65535 bytes`)
    if (shape.length > 0xff) throw new ErrorClass(`tensor "${name}" has rank ${shape.length} > 255`)
    if (!shape.every((dim) => Number.isInteger(dim) && dim >= 0 && dim <= 0xffffffff)) {
      throw new ErrorClass(`tensor "${name}" has a bad shape ${formatShape(shape)}`)
    }
    return bytes
  })
  const table = new Uint8Array(layout.reduce((n, { shape }, t) => n + 2 + encodedNames[t]!.length + 1 + 4 * shape.length, 0))
  const view = new DataView(table.buffer)
  let offset = 0
  layout.forEach(({ shape }, t) => {
    const name = encodedNames[t]!
    view.setUint16(offset, name.length, true)
    table.set(name, offset + 2)
    offset += 2 + name.length
    view.setUint8(offset, shape.length)
    offset += 1
    for (const dim of shape) {
      view.setUint32(offset, dim, true)
      offset += 4
    }
  })
  return table
}

function shapeSizes (layout: WeightLayout): number {
  return layout.reduce((n, { shape }) => n + shapeSize(shape), 0)
}

function flatten (delta: WeightSet): Float32Array {
  const flat = new Float32Array(shapeSizes(delta))
  let offset = 0
  for (const { values } of delta) {
    flat.set(values, offset)
    offset += values.length
  }
  return flat
}

function payloadBytes (scheme: 'float32' | 'int8', count: number, chunkSize: number): number {
  return scheme === 'int8' ? 4 * Math.ceil(count / chunkSize) + count : 4 * count
}

/** Every engine we run on is little-endian, but the format must not depend on that. */
const LITTLE_ENDIAN_HOST = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1

function writeFloat32 (view: DataView, offset: number, values: Float32Array): number {
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(view.buffer, view.byteOffset + offset, values.byteLength).set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength))
  } else {
    for (let i = 0; i < values.length; i++) view.setFloat32(offset + 4 * i, values[i]!, true)
  }
  return offset + 4 * values.length
}

function writeInt8 (view: DataView, offset: number, values: Float32Array, chunkSize: number): number {
  const chunks = Math.ceil(values.length / chunkSize)
  let quantOffset = offset + 4 * chunks
  for (let c = 0; c < chunks; c++) {
    const start = c * chunkSize
    const end = Math.min(start + chunkSize, values.length)
    let maxAbs = 0
    for (let i = start; i < end; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]!))
    const scale = Math.fround(maxAbs / INT8_MAX)
    view.setFloat32(offset + 4 * c, scale, true)
    const quantized = new Int8Array(view.buffer, view.byteOffset + quantOffset, end - start)
    if (scale !== 0) {
      for (let i = start; i < end; i++) quantized[i - start] = quantize(values[i]! / scale)
    }
    quantOffset += end - start
  }
  return quantOffset
}

/** Half away from zero keeps the code symmetric: q(-x) = -q(x). */
function quantize (ratio: number): number {
  const q = Math.sign(ratio) * Math.round(Math.abs(ratio))
  return Math.max(-INT8_MAX, Math.min(INT8_MAX, q))
}

export function decodeDelta (bytes: Uint8Array, opts: DecodeDeltaOptions): WeightSet {
  if (bytes.length > opts.maxBytes) throw new DeltaDecodeError(`oversized: ${bytes.length} bytes > maxBytes ${opts.maxBytes}`)
  const header = readDeltaHeader(bytes, opts.binding)
  const want = opts.encoding === undefined ? undefined : resolveEncoding(opts.encoding)
  if (want !== undefined) checkEncoding(header, want)
  if (header.scheme === 'topk') return decodeTopK(bytes, header, opts, want)
  const { reader, scheme, chunkSize, count } = header
  const layout: WeightLayout = []
  const names = new Set<string>()
  let payload = 0
  for (let t = 0; t < count; t++) {
    const nameLength = reader.u16(`the name length of tensor ${t}`)
    reader.need(nameLength, `the name of tensor ${t}`)
    let name: string
    try {
      name = strictUtf8.decode(bytes.subarray(reader.offset, reader.offset + nameLength))
    } catch (cause) {
      throw new DeltaDecodeError(`the name of tensor ${t} is not valid UTF-8`, { cause })
    }
    reader.offset += nameLength
    if (names.has(name)) throw new DeltaDecodeError(`duplicate tensor name "${name}"`)
    names.add(name)
    const rank = reader.u8(`the rank of tensor "${name}"`)
    const shape: number[] = []
    for (let d = 0; d < rank; d++) shape.push(reader.u32(`dimension ${d} of tensor "${name}"`))
    // Every value takes at least a byte, so a shape larger than the input is a lie: stop before allocating.
    const size = shapeSize(shape)
    payload += payloadBytes(scheme, size, chunkSize)
    if (payload > bytes.length) throw new DeltaDecodeError(`truncated at byte ${bytes.length}: tensor "${name}" has shape ${formatShape(shape)}, more values than the input holds`)
    layout.push({ name, shape })
  }
  if (opts.expected !== undefined) checkLayout(layout, opts.expected)
  checkLengthAndCrc(reader, reader.offset + payload + CHECKSUM_BYTES)

  return layout.map(({ name, shape }) => {
    const values = new Float32Array(shapeSize(shape))
    reader.offset = scheme === 'int8'
      ? readInt8(reader, name, values, chunkSize)
      : readFloat32(reader, name, values)
    return { name, shape, values }
  })
}

/**
 * A topk body names its layout by hash only, so it decodes against the expected layout: its tensor
 * count, value count and hash are checked before anything is sized by them.
 */
function decodeTopK (bytes: Uint8Array, header: DeltaHeader & { scheme: 'topk' }, opts: DecodeDeltaOptions, want: ResolvedEncoding | undefined): WeightSet {
  const { reader, chunkSize, bits, count } = header
  const expected = opts.expected
  if (expected === undefined) throw new DeltaDecodeError('a topk delta names its layout only by its hash: decoding it needs the expected layout')
  reader.need(TOPK_PREAMBLE_BYTES, 'the top-k preamble (layout hash, value count, k)')
  const preamble = readTopKPreamble(reader.view, HEADER_BYTES)
  const params = { chunkSize, bits, topK: preamble.topK }
  const problem = topKParamsProblem(params)
  if (problem !== undefined) throw new DeltaDecodeError(problem)
  if (want?.scheme === 'topk' && want.topK !== params.topK) throw new DeltaDecodeError(`k ${params.topK} values per chunk, expected ${want.topK}`)
  const size = shapeSizes(expected)
  if (count !== expected.length) throw new DeltaDecodeError(`wrong layout: ${count} tensors, the expected layout has ${expected.length}`)
  if (preamble.count !== size) throw new DeltaDecodeError(`wrong layout: ${preamble.count} values, the expected layout has ${size}`)
  const hash = layoutHash(tensorTable(expected, DeltaDecodeError))
  if (preamble.hash !== hash) throw new DeltaDecodeError(`wrong layout: layout hash ${preamble.hash}, the expected layout's is ${hash}`)
  checkLengthAndCrc(reader, HEADER_BYTES + topKBodyBytes(size, params) + CHECKSUM_BYTES)

  const flat = new Float32Array(size)
  readTopKBody(bytes, HEADER_BYTES + TOPK_PREAMBLE_BYTES, flat, params, (index) => locate(expected, index))
  let offset = 0
  return expected.map(({ name, shape }) => {
    const values = flat.slice(offset, offset + shapeSize(shape))
    offset += values.length
    return { name, shape: [...shape], values }
  })
}

/** "tensor "w" at index 3" for a position in the flattened layout. */
function locate (layout: WeightLayout, index: number): string {
  for (const { name, shape } of layout) {
    const size = shapeSize(shape)
    if (index < size) return `tensor "${name}" index ${index}`
    index -= size
  }
  return `flat index ${index}`
}

function checkEncoding (header: DeltaHeader, want: ResolvedEncoding): void {
  if (header.scheme !== want.scheme) throw new DeltaDecodeError(`encoded as ${header.scheme}, expected ${want.scheme}`)
  if (want.scheme !== 'float32' && header.chunkSize !== want.chunkSize) throw new DeltaDecodeError(`chunk size ${header.chunkSize}, expected ${want.chunkSize}`)
  if (want.scheme === 'topk' && header.scheme === 'topk' && header.bits !== want.bits) throw new DeltaDecodeError(`${header.bits}-bit values, expected ${want.bits}-bit`)
}

/** Exactly `total` bytes, the last four the CRC-32 of the rest. */
function checkLengthAndCrc (reader: Reader, total: number): void {
  const length = reader.view.byteLength
  if (length < total) throw new DeltaDecodeError(`truncated at byte ${length}: the header describes ${total} bytes`)
  if (length > total) throw new DeltaDecodeError(`${length - total} trailing bytes after the checksum at byte ${total - CHECKSUM_BYTES}`)
  const bytes = new Uint8Array(reader.view.buffer, reader.view.byteOffset, total - CHECKSUM_BYTES)
  checkCrc(reader.view.getUint32(total - CHECKSUM_BYTES, true), crc32(bytes))
}

function bindingBytes (binding: Hex, ErrorClass: typeof DeltaEncodeError | typeof DeltaDecodeError): Uint8Array {
  if (!isHex(binding, { strict: true }) || binding.length !== 2 + 2 * BINDING_BYTES) {
    throw new ErrorClass(`binding must be ${BINDING_BYTES} bytes of hex, got ${binding.slice(0, 80)}`)
  }
  return hexToBytes(binding)
}

/**
 * A copy of an encoded delta with another binding and the CRC recomputed; the tensors are copied as
 * they are. The old CRC is checked first, so that rebinding never turns corrupt bytes into valid ones.
 */
export function bindDelta (bytes: Uint8Array, binding: Hex): Uint8Array {
  const value = bindingBytes(binding, DeltaEncodeError)
  checkHeader(bytes).need(CHECKSUM_BYTES, 'the checksum')
  const end = bytes.length - CHECKSUM_BYTES
  checkCrc(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(end, true), crc32(bytes.subarray(0, end)))
  const out = bytes.slice()
  out.set(value, FIXED_HEADER_BYTES)
  new DataView(out.buffer).setUint32(end, crc32(out.subarray(0, end)), true)
  return out
}

/** The binding field as hex; only the header is checked, not the tensors or the CRC. */
export function readDeltaBinding (bytes: Uint8Array): Hex {
  checkHeader(bytes)
  return bytesToHex(bytes.subarray(FIXED_HEADER_BYTES, HEADER_BYTES))
}

/** The encoding the header (and a topk body's k) states; nothing after them is checked. */
export function readDeltaEncoding (bytes: Uint8Array): ResolvedEncoding {
  const header = readDeltaHeader(bytes, undefined)
  switch (header.scheme) {
    case 'float32': return { scheme: header.scheme }
    case 'int8': return { scheme: header.scheme, chunkSize: header.chunkSize }
    case 'topk': {
      header.reader.need(TOPK_PREAMBLE_BYTES, 'the top-k preamble (layout hash, value count, k)')
      const { topK } = readTopKPreamble(header.reader.view, HEADER_BYTES)
      return { scheme: header.scheme, chunkSize: header.chunkSize, bits: header.bits, topK }
    }
  }
}

/** Whether two resolved encodings give the same bytes for the same delta. */
export function sameEncoding (a: ResolvedEncoding, b: ResolvedEncoding): boolean {
  if (a.scheme === 'topk' && b.scheme === 'topk') return a.chunkSize === b.chunkSize && a.bits === b.bits && a.topK === b.topK
  if (a.scheme === 'int8' && b.scheme === 'int8') return a.chunkSize === b.chunkSize
  return a.scheme === b.scheme
}

interface DeltaHeaderFields {
  reader: Reader
  chunkSize: number
  count: number
}

/** The fixed header, read and checked; `reader` is at offset 48. */
type DeltaHeader = DeltaHeaderFields & ({ scheme: 'float32' | 'int8' } | { scheme: 'topk', bits: TopKBits })

/**
 * The first 48 bytes, checked: magic, version, scheme, a chunk size that fits the scheme, topk's
 * bits, and the binding when one is expected. These are the checks a contract can make on a
 * revealed delta (`ResultChallenges.proveInvalidDelta`); the rest of the decoder needs the whole body.
 */
function readDeltaHeader (bytes: Uint8Array, binding: Hex | undefined): DeltaHeader {
  const reader = checkHeader(bytes)
  const schemeCode = reader.view.getUint8(6)
  const scheme = (Object.keys(SCHEME_CODES) as DeltaScheme[]).find((name) => SCHEME_CODES[name] === schemeCode)
  if (scheme === undefined) throw new DeltaDecodeError(`unknown scheme ${schemeCode}`)
  const chunkSize = reader.view.getUint32(8, true)
  const bits = reader.view.getUint8(7)
  if (scheme === 'topk') {
    const problem = topKParamsProblem({ chunkSize, bits: bits as TopKBits, topK: 1 })
    if (problem !== undefined) throw new DeltaDecodeError(problem)
  } else if ((scheme === 'int8') !== (chunkSize > 0)) {
    throw new DeltaDecodeError(`chunk size ${chunkSize} is not valid for scheme ${scheme}`)
  }
  if (binding !== undefined) {
    const expected = bytesToHex(bindingBytes(binding, DeltaDecodeError))
    const actual = bytesToHex(bytes.subarray(FIXED_HEADER_BYTES, HEADER_BYTES))
    if (actual !== expected) throw new DeltaDecodeError(`bound to ${actual}, expected ${expected}`)
  }
  const count = reader.view.getUint32(12, true)
  return scheme === 'topk' ? { reader, scheme, bits: bits as TopKBits, chunkSize, count } : { reader, scheme, chunkSize, count }
}

/**
 * Why a contract would refuse `bytes` as a delta bound to `binding` (the header checks above,
 * protocol section 8), or undefined when it passes them. A delta that fails here is slashed by a
 * fraud proof alone; any other fault needs the referee.
 */
export function onChainDeltaFault (bytes: Uint8Array, binding: Hex): string | undefined {
  try {
    readDeltaHeader(bytes, binding)
    return undefined
  } catch (error) {
    if (error instanceof DeltaDecodeError) return error.message
    throw error
  }
}

function checkHeader (bytes: Uint8Array): Reader {
  const reader = new Reader(bytes)
  reader.need(FIXED_HEADER_BYTES, 'the header')
  if (reader.view.getUint32(0, true) !== DELTA_MAGIC) throw new DeltaDecodeError('not an ML Bridge delta: bad magic')
  const version = reader.view.getUint16(4, true)
  if (version === 1) throw new DeltaDecodeError(`format version 1 is no longer accepted: it has no binding (this build reads ${DELTA_FORMAT_VERSION})`)
  if (version !== DELTA_FORMAT_VERSION) throw new DeltaDecodeError(`unknown version ${version} (this build reads ${DELTA_FORMAT_VERSION})`)
  reader.offset = FIXED_HEADER_BYTES
  reader.need(BINDING_BYTES, 'the binding')
  reader.offset = HEADER_BYTES
  return reader
}

function checkCrc (stored: number, computed: number): void {
  if (stored !== computed) throw new DeltaDecodeError(`bad checksum: stored 0x${hex(stored)}, computed 0x${hex(computed)}`)
}

function checkLayout (actual: WeightLayout, expected: WeightLayout): void {
  const byName = new Map(actual.map((tensor, index) => [tensor.name, { ...tensor, index }]))
  for (let i = 0; i < expected.length; i++) {
    const want = expected[i]!
    const got = byName.get(want.name)
    if (got === undefined) throw new DeltaDecodeError(`missing tensor "${want.name}"`)
    if (!shapesEqual(got.shape, want.shape)) {
      throw new DeltaDecodeError(`wrong shape for tensor "${want.name}": expected ${formatShape(want.shape)}, got ${formatShape(got.shape)}`)
    }
    if (got.index !== i) throw new DeltaDecodeError(`tensor "${want.name}" is at position ${got.index}, expected ${i}`)
  }
  if (actual.length > expected.length) {
    const extra = actual.find(({ name }) => !expected.some((want) => want.name === name))
    throw new DeltaDecodeError(`unexpected tensor "${extra?.name ?? ''}"`)
  }
}

function readFloat32 (reader: Reader, name: string, values: Float32Array): number {
  const { view } = reader
  if (LITTLE_ENDIAN_HOST) {
    new Uint8Array(values.buffer).set(new Uint8Array(view.buffer, view.byteOffset + reader.offset, values.byteLength))
  } else {
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(reader.offset + 4 * i, true)
  }
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]!)) throw new DeltaDecodeError(`non-finite value ${values[i]} in tensor "${name}" at index ${i}`)
  }
  return reader.offset + values.byteLength
}

function readInt8 (reader: Reader, name: string, values: Float32Array, chunkSize: number): number {
  const { view } = reader
  const chunks = Math.ceil(values.length / chunkSize)
  let quantOffset = reader.offset + 4 * chunks
  for (let c = 0; c < chunks; c++) {
    const scale = view.getFloat32(reader.offset + 4 * c, true)
    if (!Number.isFinite(scale) || scale < 0) throw new DeltaDecodeError(`bad scale ${scale} for chunk ${c} of tensor "${name}"`)
    const end = Math.min((c + 1) * chunkSize, values.length)
    const quantized = new Int8Array(view.buffer, view.byteOffset + quantOffset, end - c * chunkSize)
    quantOffset += quantized.length
    for (let i = c * chunkSize; i < end; i++) {
      const q = quantized[i - c * chunkSize]!
      if (q < -INT8_MAX) throw new DeltaDecodeError(`int8 value ${q} out of range in tensor "${name}" at index ${i}`)
      const value = Math.fround(q * scale)
      // A scale near float32's maximum times 127 overflows: the delta is non-finite once decoded.
      if (!Number.isFinite(value)) throw new DeltaDecodeError(`non-finite value ${value} in tensor "${name}" at index ${i}`)
      values[i] = value
    }
  }
  return quantOffset
}

function hex (value: number): string {
  return value.toString(16).padStart(8, '0')
}

/** Bounds-checked cursor: every read names what it was reading when the input ran out. */
class Reader {
  readonly view: DataView
  offset = 0
  constructor (private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  need (count: number, what: string): void {
    if (this.offset + count > this.bytes.length) {
      throw new DeltaDecodeError(`truncated at byte ${this.bytes.length}: ${what} needs bytes ${this.offset}..${this.offset + count - 1}`)
    }
  }

  u8 (what: string): number {
    this.need(1, what)
    return this.view.getUint8(this.offset++)
  }

  u16 (what: string): number {
    this.need(2, what)
    const value = this.view.getUint16(this.offset, true)
    this.offset += 2
    return value
  }

  u32 (what: string): number {
    this.need(4, what)
    const value = this.view.getUint32(this.offset, true)
    this.offset += 4
    return value
  }
}
