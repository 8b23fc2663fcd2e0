import type { Stream } from '@libp2p/interface'
import { collectBytes } from '../core/bytes.ts'

/** Reads until the remote closes its write end; more than `maxBytes` aborts the stream. */
export async function readToEnd (stream: Stream, maxBytes: number): Promise<Uint8Array> {
  return await collectBytes(streamSource(stream), {
    maxBytes,
    tooLarge: () => {
      const err = new Error(`stream carried more than ${maxBytes} bytes`)
      stream.abort(err)
      return err
    }
  })
}

/** Sends `data` respecting back-pressure, then closes the write end. */
export async function sendAndClose (stream: Stream, data: Uint8Array, options?: { signal?: AbortSignal }): Promise<void> {
  if (!stream.send(data)) await stream.onDrain(options)
  await stream.close(options)
}

/**
 * The stream's incoming bytes as an async iterable, ending when the remote closes its write end
 * and throwing if the stream is aborted.
 *
 * Built on events on purpose: the stream's own async iterator in libp2p 3 ends only on a
 * 'remoteCloseWrite' it sees itself, so a request whose FIN arrived before the handler started
 * reading (small requests, always) leaves it waiting forever. 'end' fires once the buffered data
 * was delivered, whenever the FIN came. Listeners are attached at call time, not at the first
 * `next()`, so nothing is lost in between.
 */
export function streamSource (stream: Stream): AsyncIterable<Uint8Array> {
  const queue: Uint8Array[] = []
  let ended = stream.readableEnded
  let error: Error | undefined
  let wake: (() => void) | undefined
  const notify = (): void => { wake?.(); wake = undefined }
  const onMessage = (evt: Event): void => {
    queue.push((evt as Event & { data: { subarray: () => Uint8Array } }).data.subarray())
    notify()
  }
  const onEnd = (): void => { ended = true; notify() }
  const onClose = (evt: Event): void => {
    error = (evt as Event & { error?: Error }).error
    ended = true
    notify()
  }
  stream.addEventListener('end', onEnd)
  stream.addEventListener('close', onClose)
  stream.addEventListener('message', onMessage)
  return {
    [Symbol.asyncIterator]: async function * () {
      try {
        for (;;) {
          const next = queue.shift()
          if (next != null) { yield next; continue }
          if (error != null) throw error
          if (ended) return
          await new Promise<void>(resolve => { wake = resolve })
        }
      } finally {
        stream.removeEventListener('message', onMessage)
        stream.removeEventListener('end', onEnd)
        stream.removeEventListener('close', onClose)
      }
    }
  }
}

/** Reads exact byte counts from a chunked source (frames that span or share chunks). */
export class ByteReader {
  private readonly chunks: Uint8Array[] = []
  private buffered = 0
  private readonly source: AsyncIterator<Uint8Array>

  constructor (source: AsyncIterable<Uint8Array>) {
    this.source = source[Symbol.asyncIterator]()
  }

  async read (n: number): Promise<Uint8Array> {
    while (this.buffered < n) {
      const next = await this.source.next()
      if (next.done === true) throw new Error(`stream ended ${n - this.buffered} bytes early`)
      this.chunks.push(next.value)
      this.buffered += next.value.length
    }
    this.buffered -= n
    const first = this.chunks[0] as Uint8Array
    if (first.length >= n) {
      // the common case for 1 MiB frames read from 1 MiB-ish chunks: no copy
      if (first.length === n) this.chunks.shift()
      else this.chunks[0] = first.subarray(n)
      return first.subarray(0, n)
    }
    const out = new Uint8Array(n)
    let off = 0
    while (off < n) {
      const c = this.chunks[0] as Uint8Array
      const take = Math.min(c.length, n - off)
      out.set(c.subarray(0, take), off)
      off += take
      if (take === c.length) this.chunks.shift()
      else this.chunks[0] = c.subarray(take)
    }
    return out
  }

  async readUint32 (): Promise<number> {
    const b = await this.read(4)
    return new DataView(b.buffer, b.byteOffset, 4).getUint32(0)
  }
}
