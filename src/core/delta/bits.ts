/**
 * Bit fields of 0 to 16 bits, packed least significant bit first: bit j of a stream is bit
 * (j mod 8) of its byte floor(j / 8), and a field's lowest bit comes first. The top-k delta body
 * (topk.ts) packs in-chunk indices and value codes this way.
 */
export class BitWriter {
  private acc = 0
  private count = 0

  constructor (private readonly out: Uint8Array, private offset: number) {}

  /** `value` must be an integer in [0, 2^width). */
  write (value: number, width: number): void {
    this.acc |= value << this.count
    this.count += width
    while (this.count >= 8) {
      this.out[this.offset++] = this.acc & 0xff
      this.acc >>>= 8
      this.count -= 8
    }
  }

  /** Fills the last byte with zero bits; the offset after it. */
  end (): number {
    if (this.count > 0) this.out[this.offset++] = this.acc & 0xff
    this.acc = 0
    this.count = 0
    return this.offset
  }
}

/** Reads what BitWriter wrote; the caller has checked that the bytes are there. */
export class BitReader {
  private acc = 0
  private count = 0

  constructor (private readonly bytes: Uint8Array, public offset: number) {}

  read (width: number): number {
    while (this.count < width) {
      this.acc |= this.bytes[this.offset++]! << this.count
      this.count += 8
    }
    const value = this.acc & ((1 << width) - 1)
    this.acc >>>= width
    this.count -= width
    return value
  }

  /** The unread bits of the current byte (the padding after the last field): zero when canonical. */
  rest (): number {
    return this.acc
  }
}
