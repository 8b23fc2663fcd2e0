/**
 * One delivery attempt: a signed POST, a 2xx within the timeout or it failed. Redirects are not
 * followed (a receiver could otherwise bounce the request past the destination policy), and only a
 * few bytes of the answer are read, so a hostile receiver can neither hold memory nor stall us.
 */
import { DELIVERY_HEADER, SIGNATURE_HEADER, signWebhook } from '../../src/sdk/webhook.ts'
import type { Attempt, Delivery } from './store.ts'

/** @default 5 s */
export const DEFAULT_TIMEOUT_MS = 5000
/** what is kept of an answer's body: enough to drain a small one, never a large one */
const MAX_RESPONSE_BYTES = 4096

export interface SendOptions {
  url: string
  secret: string
  delivery: Pick<Delivery, 'id' | 'event'>
  timeoutMs?: number
  /** @default globalThis.fetch */
  fetch?: typeof fetch
  /** unix seconds for the signature @default now */
  now?: () => number
}

/** Reads up to MAX_RESPONSE_BYTES and cancels the rest. */
async function drain (body: ReadableStream<Uint8Array> | null): Promise<void> {
  if (body === null) return
  const reader = body.getReader()
  let read = 0
  try {
    while (read < MAX_RESPONSE_BYTES) {
      const { value, done } = await reader.read()
      if (done) return
      read += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => {})
  }
}

export async function sendDelivery (options: SendOptions): Promise<Attempt> {
  const started = Date.now()
  const body = JSON.stringify({ id: options.delivery.id, event: options.delivery.event })
  const timestamp = options.now?.() ?? Math.floor(started / 1000)
  const signature = await signWebhook({ secret: options.secret, body, timestamp })
  const at = new Date(started).toISOString()
  try {
    const response = await (options.fetch ?? globalThis.fetch)(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature, [DELIVERY_HEADER]: options.delivery.id, 'user-agent': 'mlbridge-webhooks/1' },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS)
    })
    await drain(response.body).catch(() => {})
    const redirect = response.status >= 300 && response.status < 400 ? { error: 'redirects are not followed' } : {}
    return { at, status: response.status, ...redirect, durationMs: Date.now() - started }
  } catch (error) {
    const reason = error instanceof Error && error.name === 'TimeoutError'
      ? `no answer within ${options.timeoutMs ?? DEFAULT_TIMEOUT_MS} ms`
      : error instanceof Error ? `${error.message}${error.cause instanceof Error ? `: ${error.cause.message}` : ''}` : String(error)
    return { at, error: reason, durationMs: Date.now() - started }
  }
}
