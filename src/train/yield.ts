/**
 * A macrotask turn, so messages (a comlink cancel) are handled during a long loop. setTimeout is
 * clamped to 4 ms when nested; setImmediate (Node) and a MessageChannel (browsers, workers) are not.
 */
let channel: MessageChannel | undefined
const waiting: Array<() => void> = []

export async function yieldToEventLoop (): Promise<void> {
  if (typeof setImmediate === 'function') {
    await new Promise<void>((resolve) => setImmediate(resolve))
    return
  }
  if (channel === undefined) {
    channel = new MessageChannel()
    channel.port1.onmessage = () => waiting.shift()?.()
  }
  await new Promise<void>((resolve) => {
    waiting.push(resolve)
    channel?.port2.postMessage(null)
  })
}
