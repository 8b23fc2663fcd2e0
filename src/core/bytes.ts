export interface ByteLimit {
  maxBytes: number
  /** the error to throw, so each caller names what was too large */
  tooLarge: (size: number) => Error
}

/**
 * Collects a chunked byte source into one array, refusing to buffer more than the limit's
 * `maxBytes` as soon as a chunk crosses it. A single chunk is returned as it is, without a copy.
 */
export async function collectBytes (source: Iterable<Uint8Array> | AsyncIterable<Uint8Array>, limit?: ByteLimit): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  let length = 0
  for await (const part of source) {
    length += part.length
    if (limit !== undefined && length > limit.maxBytes) throw limit.tooLarge(length)
    parts.push(part)
  }
  if (parts.length === 1) return parts[0] as Uint8Array
  const out = new Uint8Array(length)
  let offset = 0
  for (const part of parts) {
    out.set(part, offset)
    offset += part.length
  }
  return out
}
