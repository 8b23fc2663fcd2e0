/**
 * The delivery loop: reads the indexer's event feed from the stored cursor (never the chain), queues
 * a delivery per matching subscription, and sends each subscription's queue in event order, one at
 * a time: the next event waits until the previous one is delivered or has failed for good. Failed
 * attempts are retried with backoff (backoff.ts) until `maxAttempts`.
 */
import { randomUUID } from 'node:crypto'
import type { Logger } from '../../src/core/log.ts'
import type { MLBridgeClient } from '../../src/sdk/client.ts'
import type { ProtocolEvent } from '../../src/sdk/schemas.ts'
import { DEFAULT_BACKOFF, DEFAULT_MAX_ATTEMPTS, retryDelayMs, type BackoffOptions } from './backoff.ts'
import { checkDestination, type DestinationPolicy } from './destinations.ts'
import { sendDelivery } from './send.ts'
import type { Delivery, Subscription, WebhookStore } from './store.ts'

export interface SchedulerOptions {
  store: WebhookStore
  /** the indexer's feed */
  client: Pick<MLBridgeClient, 'events'>
  policy: DestinationPolicy
  log: Logger
  /** how often the feed is read and due retries are sent @default 500 */
  pollMs?: number
  backoff?: BackoffOptions
  /** @default DEFAULT_MAX_ATTEMPTS */
  maxAttempts?: number
  /** per attempt @default send.ts's DEFAULT_TIMEOUT_MS */
  timeoutMs?: number
  /** deliveries kept per subscription; the oldest finished ones go first @default 500 */
  maxDeliveries?: number
}

export interface Scheduler {
  stop: () => Promise<void>
}

export const matches = (subscription: Subscription, event: ProtocolEvent): boolean =>
  (subscription.events === undefined || subscription.events.includes(event.name)) && (subscription.task === undefined || subscription.task === event.taskId)

export function startScheduler (opts: SchedulerOptions): Scheduler {
  const { store, log } = opts
  const state = store.state
  const maxAttempts = opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  const maxDeliveries = opts.maxDeliveries ?? 500
  /** subscriptions with an attempt under way: one at a time each keeps their order */
  const sending = new Map<string, Promise<void>>()
  let stopped = false
  let timer: ReturnType<typeof setTimeout> | undefined
  let looping: Promise<void> = Promise.resolve()

  const queue = (subscription: Subscription, event: ProtocolEvent): void => {
    const own = state.deliveries.filter((d) => d.subscriptionId === subscription.id)
    if (own.length >= maxDeliveries) {
      const oldest = own.find((d) => d.state !== 'pending')
      if (oldest === undefined) {
        // a receiver down this long would grow the log without bound: its new events are dropped, and counted
        subscription.dropped = (subscription.dropped ?? 0) + 1
        log.warn('webhook queue full', { subscription: subscription.id, eventId: event.id })
        return
      }
      state.deliveries.splice(state.deliveries.indexOf(oldest), 1)
    }
    state.deliveries.push({ id: randomUUID(), subscriptionId: subscription.id, eventId: event.id, event, state: 'pending', attempts: [], nextAttemptAt: new Date().toISOString() })
  }

  /** Every feed event after the cursor, handed to the subscriptions that want it; the cursor moves once they are queued. */
  const pull = async (): Promise<void> => {
    // `stopped` is set by stop() while this awaits a page
    while (true) {
      if (stopped) return
      const page = await opts.client.events({ limit: 200, ...(state.cursor === null ? {} : { cursor: state.cursor }) })
      for (const event of page.items) for (const subscription of state.subscriptions) if (matches(subscription, event)) queue(subscription, event)
      const last = page.items.at(-1)
      if (last !== undefined) {
        state.cursor = last.id
        store.save()
      }
      if (page.nextCursor === null) return
    }
  }

  const attempt = async (subscription: Subscription, delivery: Delivery): Promise<void> => {
    let result: Delivery['attempts'][number]
    try {
      // checked again on every attempt: the policy may have been narrowed since the subscription was made
      checkDestination(subscription.url, opts.policy)
      result = await sendDelivery({ url: subscription.url, secret: subscription.secret, delivery, ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }) })
    } catch (error) {
      result = { at: new Date().toISOString(), error: (error as Error).message, durationMs: 0 }
    }
    delivery.attempts.push(result)
    const ok = result.status !== undefined && result.status >= 200 && result.status < 300
    if (ok) {
      delivery.state = 'delivered'
      delivery.nextAttemptAt = null
    } else if (delivery.attempts.length >= maxAttempts) {
      delivery.state = 'failed'
      delivery.nextAttemptAt = null
      log.warn('webhook delivery failed', { subscription: subscription.id, delivery: delivery.id, attempts: delivery.attempts.length, reason: result.error ?? `HTTP ${result.status}` })
    } else {
      delivery.nextAttemptAt = new Date(Date.now() + retryDelayMs(delivery.attempts.length, opts.backoff ?? DEFAULT_BACKOFF)).toISOString()
    }
    store.save()
  }

  /** Starts the due head of each idle subscription's queue. */
  const dispatch = (): void => {
    const now = Date.now()
    for (const subscription of state.subscriptions) {
      if (stopped || sending.has(subscription.id)) continue
      const head = state.deliveries.find((d) => d.subscriptionId === subscription.id && d.state === 'pending')
      if (head === undefined || (head.nextAttemptAt !== null && Date.parse(head.nextAttemptAt) > now)) continue
      sending.set(subscription.id, attempt(subscription, head).finally(() => {
        sending.delete(subscription.id)
        // the next event of this queue need not wait for the next poll
        dispatch()
      }))
    }
  }

  const loop = async (): Promise<void> => {
    try {
      await pull()
    } catch (error) {
      log.warn('event feed unavailable', { reason: (error as Error).message })
    }
    dispatch()
    if (!stopped) timer = setTimeout(() => { looping = loop() }, opts.pollMs ?? 500)
  }
  looping = loop()

  return {
    stop: async () => {
      stopped = true
      clearTimeout(timer)
      await looping
      await Promise.all(sending.values())
    }
  }
}
