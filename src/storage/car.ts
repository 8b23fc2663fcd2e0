/**
 * CARv1 (https://ipld.io/specs/transport/car/carv1/), written by hand rather than with @ipld/car:
 * the format is a dag-cbor header and varint-framed sections, and a reader of an untrusted stream
 * must refuse an oversized section from its length prefix, before buffering it, which @ipld/car's
 * reader does not offer.
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID, varint } from 'multiformats'
import { CarFormatError } from './errors.ts'

export interface CarBlock {
  cid: CID
  bytes: Uint8Array
}

// a header lists a few roots: anything bigger is not a header this code writes or needs
const MAX_HEADER_BYTES = 64 * 1024
// a CIDv1 with a sha2-256 multihash is 36 bytes; 128 leaves room for any hash we accept
const MAX_CID_BYTES = 128

export function encodeCarHeader (roots: CID[]): Uint8Array {
  return frame(dagCbor.encode({ roots, version: 1 }))
}

/** One section: varint(length of CID + block), CID bytes, block bytes. */
export function encodeCarBlock (cid: CID, bytes: Uint8Array): Uint8Array {
  const length = cid.bytes.length + bytes.length
  const out = new Uint8Array(varint.encodingLength(length) + length)
  varint.encodeTo(length, out, 0)
  const start = varint.encodingLength(length)
  out.set(cid.bytes, start)
  out.set(bytes, start + cid.bytes.length)
  return out
}

function frame (payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(varint.encodingLength(payload.length) + payload.length)
  varint.encodeTo(payload.length, out, 0)
  out.set(payload, out.length - payload.length)
  return out
}

export interface CarReadLimits {
  /** the largest block a section may carry; the section is refused from its length prefix */
  maxBlockBytes: number
}

export interface CarReader {
  /** the header's roots (a trustless gateway's client should not rely on them) */
  roots: () => Promise<CID[]>
  /** the sections in stream order; the bytes are not verified against their CIDs here */
  blocks: () => AsyncGenerator<CarBlock>
}

/** Reads a CARv1 stream without ever buffering more than one section. */
export function readCar (source: AsyncIterable<Uint8Array>, limits: CarReadLimits): CarReader {
  const input = new ByteQueue(source[Symbol.asyncIterator]())
  let header: Promise<CID[]> | undefined
  const roots = async (): Promise<CID[]> => {
    header ??= readHeader(input)
    return await header
  }
  return {
    roots,
    blocks: async function * () {
      await roots()
      while (true) {
        const length = await input.varint()
        if (length === undefined) return
        if (length > limits.maxBlockBytes + MAX_CID_BYTES) throw new CarFormatError(`CAR section of ${length} bytes is over the ${limits.maxBlockBytes}-byte block limit`)
        const section = await input.take(length)
        if (section === undefined) throw new CarFormatError(`CAR ends inside a section (${length} bytes announced): the response was cut short`)
        let cid: CID
        try {
          cid = CID.decodeFirst(section)[0]
        } catch (err) {
          throw new CarFormatError('CAR section does not start with a CID', { cause: err })
        }
        yield { cid, bytes: section.subarray(cid.bytes.length) }
      }
    }
  }
}

async function readHeader (input: ByteQueue): Promise<CID[]> {
  const length = await input.varint()
  if (length === undefined) throw new CarFormatError('empty CAR: no header')
  if (length > MAX_HEADER_BYTES) throw new CarFormatError(`CAR header of ${length} bytes is over ${MAX_HEADER_BYTES}`)
  const bytes = await input.take(length)
  if (bytes === undefined) throw new CarFormatError('CAR ends inside its header')
  let header: unknown
  try {
    header = dagCbor.decode(bytes)
  } catch (err) {
    throw new CarFormatError('CAR header is not dag-cbor', { cause: err })
  }
  const { version, roots } = (header ?? {}) as { version?: unknown, roots?: unknown }
  if (version !== 1) throw new CarFormatError(`CAR version ${String(version)}: only CARv1 is read`)
  if (!Array.isArray(roots) || roots.some(r => CID.asCID(r) == null)) throw new CarFormatError('CAR header roots must be a list of CIDs')
  return roots.map(r => CID.asCID(r) as CID)
}

/** Pulls chunks only as far as the next read needs; joins them once per read, not once per chunk. */
class ByteQueue {
  private chunks: Uint8Array[] = []
  private length = 0
  private done = false
  constructor (private readonly source: AsyncIterator<Uint8Array>) {}

  private async fill (n: number): Promise<boolean> {
    while (this.length < n && !this.done) {
      const next = await this.source.next()
      if (next.done === true) this.done = true
      else if (next.value.length > 0) {
        this.chunks.push(next.value)
        this.length += next.value.length
      }
    }
    return this.length >= n
  }

  /** the first n buffered bytes (n <= length), removed from the queue */
  private shift (n: number): Uint8Array {
    const out = this.peek(n)
    let drop = n
    while (drop > 0) {
      const head = this.chunks[0] as Uint8Array
      if (head.length <= drop) {
        this.chunks.shift()
        drop -= head.length
      } else {
        this.chunks[0] = head.subarray(drop)
        drop = 0
      }
    }
    this.length -= n
    return out
  }

  /** undefined at a clean end of stream (no byte left) */
  async varint (): Promise<number | undefined> {
    // a varint is at most 9 bytes for the lengths that fit a JS number safely
    for (let n = 1; n <= 9; n++) {
      if (!await this.fill(n)) {
        if (this.length === 0) return undefined
        throw new CarFormatError('CAR ends inside a length prefix')
      }
      const prefix = this.peek(n)
      if (((prefix[n - 1] as number) & 0x80) === 0) {
        const [value] = varint.decode(prefix)
        this.shift(n)
        return value
      }
    }
    throw new CarFormatError('CAR length prefix is longer than 9 bytes')
  }

  private peek (n: number): Uint8Array {
    const first = this.chunks[0] as Uint8Array
    if (first.length >= n) return first.subarray(0, n)
    const out = new Uint8Array(n)
    let offset = 0
    for (const chunk of this.chunks) {
      if (offset >= n) break
      const part = chunk.subarray(0, n - offset)
      out.set(part, offset)
      offset += part.length
    }
    return out
  }

  async take (n: number): Promise<Uint8Array | undefined> {
    if (n === 0) return new Uint8Array(0)
    if (!await this.fill(n)) return undefined
    return this.shift(n)
  }
}
