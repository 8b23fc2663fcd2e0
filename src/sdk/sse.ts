/**
 * A Server-Sent Events reader over a fetch body (https://html.spec.whatwg.org/multipage/server-sent-events.html),
 * because EventSource can neither send headers nor run in Node: fetch streaming works in both.
 */

export interface SSEMessage {
  /** the `event:` field, 'message' when absent */
  event: string
  data: string
  /** the `id:` field of this message, if it had one */
  id?: string
}

/** Yields each message as its blank line arrives; comment lines (heartbeats) are skipped. */
export async function * readSSE (body: ReadableStream<Uint8Array>): AsyncGenerator<SSEMessage> {
  const decoder = new TextDecoder()
  const reader = body.getReader()
  let buffer = ''
  let event = ''
  let data: string[] = []
  let id: string | undefined
  try {
    while (true) {
      const { value, done } = await reader.read()
      // at the end a held-back '\r' is a line end after all
      buffer += done ? (buffer.endsWith('\r') ? '\n' : '') : decoder.decode(value, { stream: true })
      // a lone '\r' at the end may be half of '\r\n': wait for the next chunk to tell
      const lines = buffer.split(/\r\n|\n|\r(?!$)/)
      buffer = lines.pop() ?? ''
      for (const line of lines) {
        if (line === '') {
          if (data.length > 0) yield { event: event === '' ? 'message' : event, data: data.join('\n'), ...(id === undefined ? {} : { id }) }
          event = ''
          data = []
          id = undefined
          continue
        }
        if (line.startsWith(':')) continue
        const colon = line.indexOf(':')
        const field = colon === -1 ? line : line.slice(0, colon)
        const text = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
        if (field === 'event') event = text
        else if (field === 'data') data.push(text)
        else if (field === 'id' && !text.includes('\0')) id = text
      }
      if (done) return
    }
  } finally {
    reader.releaseLock()
  }
}
