/**
 * Webhook signatures, both sides: the webhook service signs each POST with `signWebhook`, and a
 * receiver checks it with `verifyWebhook`. The header is `mlbridge-signature: t=<unix seconds>,v1=<hex>`,
 * the hex being HMAC-SHA256 under the subscription's secret (its UTF-8 bytes) of `t + "." + body`.
 * The timestamp is signed so a captured delivery cannot be replayed once it is stale. WebCrypto
 * only, so it runs in browsers, Node and edge runtimes alike.
 */
import { bytesToHex, hexToBytes } from 'viem'
import { MLBridgeError } from '../core/errors.ts'
import { webhookPayloadSchema, type WebhookPayload } from './schemas.ts'

export const SIGNATURE_HEADER = 'mlbridge-signature'
export const DELIVERY_HEADER = 'mlbridge-delivery'
/** How old a signed timestamp may be (or how far ahead of the receiver's clock) @default 300 s, as Stripe's */
export const DEFAULT_TOLERANCE_S = 300

export type WebhookVerificationReason = 'missing-header' | 'malformed-header' | 'stale-timestamp' | 'bad-signature' | 'bad-payload'

/** The delivery is not one the webhook service signed with this secret just now; `reason` says what failed. */
export class WebhookVerificationError extends MLBridgeError {
  override name = 'WebhookVerificationError'
  constructor (readonly reason: WebhookVerificationReason, message: string) {
    super('WEBHOOK_UNVERIFIED', message)
  }
}

const encoder = new TextEncoder()

const hmacKey = async (secret: string, usage: 'sign' | 'verify'): Promise<CryptoKey> =>
  await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [usage])

/** What is signed: the timestamp, a dot, then the body's exact bytes. */
function signedBytes (timestamp: number, body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  const head = encoder.encode(`${timestamp}.`)
  const tail = typeof body === 'string' ? encoder.encode(body) : body
  const bytes = new Uint8Array(head.length + tail.length)
  bytes.set(head)
  bytes.set(tail, head.length)
  return bytes
}

/** The `mlbridge-signature` header value for `body` at `timestamp` (unix seconds). */
export async function signWebhook (options: { secret: string, body: string | Uint8Array, timestamp: number }): Promise<string> {
  const mac = await crypto.subtle.sign('HMAC', await hmacKey(options.secret, 'sign'), signedBytes(options.timestamp, options.body))
  return `t=${options.timestamp},v1=${bytesToHex(new Uint8Array(mac)).slice(2)}`
}

export interface VerifyWebhookOptions {
  /** the subscription's secret, as POST /webhooks returned it */
  secret: string
  /** the request's `mlbridge-signature` header */
  header: string | null | undefined
  /** the raw body, exactly as received: a re-serialised JSON object will not verify */
  body: string | Uint8Array
  /** @default DEFAULT_TOLERANCE_S */
  toleranceS?: number
  /** the receiver's clock, unix seconds @default now */
  now?: number
}

/** Checks a delivery's signature and freshness, then returns its payload; throws WebhookVerificationError naming what is wrong. */
export async function verifyWebhook (options: VerifyWebhookOptions): Promise<WebhookPayload> {
  const { header, body } = options
  if (header === null || header === undefined || header === '') throw new WebhookVerificationError('missing-header', `the request has no ${SIGNATURE_HEADER} header`)
  const parts = header.split(',').map((part) => part.trim().split('='))
  const timestamps = parts.filter(([key]) => key === 't').map(([, value]) => value ?? '')
  // several v1 values may come while a secret is being rotated: any one of them may match
  const signatures = parts.filter(([key, value]) => key === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')).map(([, value]) => value as string)
  const timestamp = Number(timestamps[0])
  if (timestamps.length !== 1 || !/^\d{1,12}$/.test(timestamps[0] ?? '') || signatures.length === 0) {
    throw new WebhookVerificationError('malformed-header', `${SIGNATURE_HEADER} must read t=<unix seconds>,v1=<64 hex digits>, got "${header.slice(0, 200)}"`)
  }
  const now = options.now ?? Math.floor(Date.now() / 1000)
  const tolerance = options.toleranceS ?? DEFAULT_TOLERANCE_S
  if (Math.abs(now - timestamp) > tolerance) {
    throw new WebhookVerificationError('stale-timestamp', `the signature's timestamp ${timestamp} is ${now - timestamp} s from now, beyond the ${tolerance} s tolerance`)
  }
  const key = await hmacKey(options.secret, 'verify')
  const signed = signedBytes(timestamp, body)
  let matched = false
  // subtle.verify compares in constant time, so timing tells an attacker nothing about the MAC
  for (const signature of signatures) if (await crypto.subtle.verify('HMAC', key, new Uint8Array(hexToBytes(`0x${signature}`)), signed)) matched = true
  if (!matched) throw new WebhookVerificationError('bad-signature', 'the signature does not match the body under this secret')
  let json: unknown
  try {
    json = JSON.parse(typeof body === 'string' ? body : new TextDecoder().decode(body))
  } catch {
    throw new WebhookVerificationError('bad-payload', 'the signed body is not JSON')
  }
  const payload = webhookPayloadSchema.safeParse(json)
  if (!payload.success) throw new WebhookVerificationError('bad-payload', `the signed body is not a webhook payload: ${payload.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  return payload.data
}
