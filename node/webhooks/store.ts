/**
 * The webhook service's state in one JSON file: subscriptions (with their secrets, which signing
 * needs), the delivery log and the feed cursor. Each change is written to a temporary file and
 * renamed over the old one, so a crash leaves either the old state or the new, never half of one;
 * a restart resumes from the cursor and retries what was pending.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { EventName, ProtocolEvent } from '../../src/sdk/schemas.ts'

export interface Subscription {
  id: string
  url: string
  /** only these events; all when absent */
  events?: EventName[]
  /** only the events of this task; all when absent */
  task?: string
  /** the HMAC key; it also authorizes reading and deleting the subscription */
  secret: string
  createdAt: string
  /** events not queued because the delivery log was full of undelivered ones */
  dropped?: number
}

export interface Attempt {
  at: string
  /** the receiver's HTTP status, when it answered */
  status?: number
  /** why there was no 2xx answer: a timeout, a refused connection, a redirect not followed */
  error?: string
  durationMs: number
}

export type DeliveryState = 'pending' | 'delivered' | 'failed'

export interface Delivery {
  /** sent as `mlbridge-delivery` and in the body, the same on every attempt: a receiver's idempotency key */
  id: string
  subscriptionId: string
  eventId: string
  event: ProtocolEvent
  state: DeliveryState
  attempts: Attempt[]
  /** when the next attempt is due; null once delivered or failed */
  nextAttemptAt: string | null
}

export interface WebhookState {
  /** which chain the cursor is of (service.ts's `feed`) */
  feed?: string
  /** the last feed event handed to the subscriptions */
  cursor: string | null
  subscriptions: Subscription[]
  /** oldest first; per subscription, in event order */
  deliveries: Delivery[]
}

export interface WebhookStore {
  state: WebhookState
  /** writes the state as it is now */
  save: () => void
}

/** Opens the file, or starts empty when it does not exist yet. */
export function openStore (file: string): WebhookStore {
  let state: WebhookState = { cursor: null, subscriptions: [], deliveries: [] }
  try {
    state = JSON.parse(readFileSync(file, 'utf8')) as WebhookState
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`the webhook store ${file} cannot be read: ${(error as Error).message}`, { cause: error })
  }
  mkdirSync(dirname(file), { recursive: true })
  const store: WebhookStore = {
    state,
    save: () => {
      const temp = `${file}.${process.pid}.tmp`
      // the secrets are in here: readable by this user only
      writeFileSync(temp, JSON.stringify(store.state), { mode: 0o600 })
      renameSync(temp, file)
    }
  }
  return store
}
