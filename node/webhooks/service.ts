/**
 * The webhook service as `npm start` runs it: the HTTP API (api.ts) on its own loopback port and
 * the delivery loop (scheduler.ts) over the indexer's feed, sharing one durable store (store.ts).
 */
import { serve, type ServerType } from '@hono/node-server'
import type { AddressInfo } from 'node:net'
import type { Logger } from '../../src/core/log.ts'
import { createClient } from '../../src/sdk/client.ts'
import { operatorLogger } from '../observability/log.ts'
import { webhookApi } from './api.ts'
import type { BackoffOptions } from './backoff.ts'
import { policyFromEnv, type DestinationPolicy } from './destinations.ts'
import { startScheduler } from './scheduler.ts'
import { openStore } from './store.ts'

export const DEFAULT_WEBHOOKS_PORT = 4005

export interface WebhookServiceOptions {
  /** the indexer's REST base URL, whose /events it reads */
  api: string
  /** the JSON file holding subscriptions, the delivery log and the cursor */
  file: string
  /**
   * Names the chain the feed is of (its genesis block hash): a local chain starts afresh with each
   * `npm start`, and a cursor into the old one would skip the new chain's events, so when this
   * differs from the stored one the cursor starts over (subscriptions are kept)
   */
  feed?: string
  /** @default '127.0.0.1' */
  host?: string
  /** 0 picks a free one (tests) @default DEFAULT_WEBHOOKS_PORT */
  port?: number
  /** @default MLBRIDGE_WEBHOOKS_ALLOW, loopback only when unset */
  policy?: DestinationPolicy
  pollMs?: number
  backoff?: BackoffOptions
  maxAttempts?: number
  timeoutMs?: number
  maxSubscriptions?: number
  maxDeliveries?: number
  /** Host names the API answers beside loopback ones (behind a proxy) @default [] */
  hosts?: string[]
  log?: Logger
}

export interface WebhookService {
  url: string
  stop: () => Promise<void>
}

export async function startWebhookService (opts: WebhookServiceOptions): Promise<WebhookService> {
  const store = openStore(opts.file)
  if (opts.feed !== undefined && store.state.feed !== opts.feed) {
    store.state.feed = opts.feed
    store.state.cursor = null
    store.save()
  }
  const policy = opts.policy ?? policyFromEnv()
  const log = opts.log ?? operatorLogger('webhooks')
  const app = webhookApi({
    store, policy, ...(opts.maxSubscriptions === undefined ? {} : { maxSubscriptions: opts.maxSubscriptions }), ...(opts.hosts === undefined ? {} : { hosts: opts.hosts })
  })
  const server = await new Promise<ServerType>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, hostname: opts.host ?? '127.0.0.1', port: opts.port ?? DEFAULT_WEBHOOKS_PORT }, () => { resolve(started) })
    started.once('error', reject)
  })
  const { port } = server.address() as AddressInfo
  const scheduler = startScheduler({
    store, policy, log, client: createClient({ api: opts.api }),
    ...(opts.pollMs === undefined ? {} : { pollMs: opts.pollMs }),
    ...(opts.backoff === undefined ? {} : { backoff: opts.backoff }),
    ...(opts.maxAttempts === undefined ? {} : { maxAttempts: opts.maxAttempts }),
    ...(opts.timeoutMs === undefined ? {} : { timeoutMs: opts.timeoutMs }),
    ...(opts.maxDeliveries === undefined ? {} : { maxDeliveries: opts.maxDeliveries })
  })
  log.info('webhooks started', { port, destinations: policy.allow.length === 0 ? 'loopback only' : ['loopback', ...policy.allow].join(',') })
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}`,
    stop: async () => {
      await scheduler.stop()
      await new Promise<void>((resolve) => {
        server.close(() => { resolve() })
        // keep-alive sockets would hold close() open
        if ('closeAllConnections' in server) server.closeAllConnections()
      })
    }
  }
}
