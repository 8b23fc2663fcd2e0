/**
 * The smallest protobuf writer the ONNX export needs: varints (int64 included) and length-delimited
 * fields. Messages are built bottom-up, so each nested message is encoded before its
 * parent and embedded as bytes.
 */
const encoder = new TextEncoder()

export class ProtoWriter {
  private readonly chunks: Uint8Array[] = []
  private length = 0

  private push (bytes: Uint8Array): void {
    this.chunks.push(bytes)
    this.length += bytes.length
  }

  private varint (value: bigint): void {
    // Negative int64 values are written as their 64-bit two's complement, always ten bytes.
    let v = BigInt.asUintN(64, value)
    const out: number[] = []
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80)
      v >>= 7n
    }
    out.push(Number(v))
    this.push(Uint8Array.from(out))
  }

  private key (field: number, wireType: 0 | 2): void {
    this.varint(BigInt((field << 3) | wireType))
  }

  int (field: number, value: number | bigint): this {
    this.key(field, 0)
    this.varint(BigInt(value))
    return this
  }

  ints (field: number, values: readonly number[]): this {
    // onnx.proto is proto2: repeated scalars are unpacked unless declared otherwise.
    for (const v of values) this.int(field, v)
    return this
  }

  bytes (field: number, value: Uint8Array): this {
    this.key(field, 2)
    this.varint(BigInt(value.length))
    this.push(value)
    return this
  }

  string (field: number, value: string): this {
    return this.bytes(field, encoder.encode(value))
  }

  strings (field: number, values: readonly string[]): this {
    for (const v of values) this.string(field, v)
    return this
  }

  messages (field: number, values: readonly Uint8Array[]): this {
    for (const v of values) this.bytes(field, v)
    return this
  }

  finish (): Uint8Array {
    const out = new Uint8Array(this.length)
    let at = 0
    for (const c of this.chunks) {
      out.set(c, at)
      at += c.length
    }
    return out
  }
}
