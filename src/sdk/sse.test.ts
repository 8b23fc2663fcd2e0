import { describe, expect, it } from 'vitest'
import { readSSE, type SSEMessage } from './sse.ts'

/** A body that arrives in these chunks. */
const bodyOf = (chunks: string[]): ReadableStream<Uint8Array> => new ReadableStream({
  start (controller) {
    for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk))
    controller.close()
  }
})

const read = async (chunks: string[]): Promise<SSEMessage[]> => {
  const messages: SSEMessage[] = []
  for await (const message of readSSE(bodyOf(chunks))) messages.push(message)
  return messages
}

describe('readSSE', () => {
  it('reads events, ids and multi-line data across chunk boundaries, skipping comments', async () => {
    expect(await read([': heartbeat\n\nevent: TaskCreated\nda', 'ta: {"a":1}\nid: 5\n', '\ndata: x\ndata: y\n\n'])).toEqual([
      { event: 'TaskCreated', data: '{"a":1}', id: '5' },
      { event: 'message', data: 'x\ny' }
    ])
  })

  it('takes CRLF and CR line ends, even split between chunks', async () => {
    expect(await read(['data: a\r', '\n\r\n', 'data:b\r\r'])).toEqual([{ event: 'message', data: 'a' }, { event: 'message', data: 'b' }])
  })

  it('drops a message the stream ends in the middle of', async () => {
    expect(await read(['data: a\n\ndata: cut'])).toEqual([{ event: 'message', data: 'a' }])
  })
})
