/**
 * The webhook service's HTTP API, documented at /openapi.json: create a subscription (its secret is
 * shown once), read it and its delivery log, delete it. Reading and deleting take the secret as a
 * bearer token, so only whoever made a subscription can see where it sends or stop it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import { EVENT_NAMES } from '../../src/sdk/schemas.ts'
import { checkDestination, DestinationRefusedError, type DestinationPolicy } from './destinations.ts'
import type { Delivery, Subscription, WebhookStore } from './store.ts'

export interface WebhookApiOptions {
  store: WebhookStore
  policy: DestinationPolicy
  /** @default 100 */
  maxSubscriptions?: number
  /** Host header names accepted beside loopback ones, for a service reached through a proxy @default [] */
  hosts?: string[]
}

const problem = (error: z.ZodError): string => error.issues.map((i) => `${i.path.length === 0 ? '' : `${i.path.join('.')}: `}${i.message}`).join('; ')

const errorSchema = z.object({ error: z.string() }).openapi('Error')
const json = <S extends z.ZodType>(schema: S, description: string): { content: { 'application/json': { schema: S } }, description: string } =>
  ({ content: { 'application/json': { schema } }, description })

const createBody = z.strictObject({
  url: z.string().max(2048).openapi({ description: 'where events are POSTed: http or https; loopback only unless the service\'s MLBRIDGE_WEBHOOKS_ALLOW names the host', example: 'http://127.0.0.1:8080/hook' }),
  events: z.array(z.enum(EVENT_NAMES)).min(1).max(EVENT_NAMES.length).optional().openapi({ description: 'only these events (all when absent)', example: ['TaskCompleted'] }),
  task: z.string().regex(/^\d{1,78}$/, 'task must be a non-negative integer as decimal digits').optional().openapi({ description: 'only the events of this task (all when absent)', example: '1' })
}, { error: (issue) => issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}; a webhook takes url, events, task` : undefined })

const subscriptionSchema = z.object({
  id: z.string(), url: z.string(), events: z.array(z.enum(EVENT_NAMES)).nullable(), task: z.string().nullable(), createdAt: z.string(),
  deliveries: z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int(), dropped: z.number().int() })
    .openapi({ description: 'the log\'s deliveries by state; `dropped` counts events not queued because the log was full of undelivered ones' })
}).openapi('Webhook')
const createdSchema = subscriptionSchema.extend({
  secret: z.string().openapi({ description: 'signs every delivery (HMAC-SHA256, header mlbridge-signature) and is the bearer token that reads or deletes this webhook; shown only now' })
}).openapi('CreatedWebhook')
const attemptSchema = z.object({ at: z.string(), status: z.number().int().optional(), error: z.string().optional(), durationMs: z.number() }).openapi('DeliveryAttempt')
const deliverySchema = z.object({
  id: z.string().openapi({ description: 'also the mlbridge-delivery header: the same on every attempt' }),
  eventId: z.string(), eventName: z.enum(EVENT_NAMES), state: z.enum(['pending', 'delivered', 'failed']),
  attempts: z.array(attemptSchema), nextAttemptAt: z.string().nullable()
}).openapi('Delivery')
const idParams = z.object({ id: z.string().max(64).openapi({ param: { name: 'id', in: 'path' }, example: 'wh_0123456789abcdef' }) })
const auth = z.object({ authorization: z.string().optional().openapi({ param: { name: 'authorization', in: 'header' }, description: 'Bearer <the secret POST /webhooks returned>' }) })

/** The webhook as its owner reads it: never its secret. */
function view (subscription: Subscription, deliveries: Delivery[]): z.infer<typeof subscriptionSchema> {
  const own = deliveries.filter((d) => d.subscriptionId === subscription.id)
  const count = (state: Delivery['state']): number => own.filter((d) => d.state === state).length
  return {
    id: subscription.id, url: subscription.url, events: subscription.events ?? null, task: subscription.task ?? null, createdAt: subscription.createdAt,
    deliveries: { pending: count('pending'), delivered: count('delivered'), failed: count('failed'), dropped: subscription.dropped ?? 0 }
  }
}

/** Compared by their hashes, so the time taken says nothing about how much of the secret matched. */
const sameSecret = (a: string, b: string): boolean =>
  timingSafeEqual(createHash('sha256').update(a).digest(), createHash('sha256').update(b).digest())

export function webhookApi (opts: WebhookApiOptions): OpenAPIHono {
  const { store, policy } = opts
  const state = store.state
  const maxSubscriptions = opts.maxSubscriptions ?? 100
  const app = new OpenAPIHono({
    defaultHook: (result, c) => {
      if (!result.success) return c.json({ error: problem(result.error) }, 400)
    }
  })
  // a page whose name was rebound to 127.0.0.1 (DNS rebinding) would send its own name as Host
  app.use('*', async (c, next) => {
    // @hono/node-server builds the request's URL from its Host header
    const host = new URL(c.req.url).hostname.replace(/^\[|\]$/g, '').toLowerCase()
    if (host !== 'localhost' && host !== '::1' && !/^127\.\d+\.\d+\.\d+$/.test(host) && !(opts.hosts ?? []).includes(host)) {
      return c.json({ error: `this service answers requests for loopback host names only, not "${host}"` }, 421)
    }
    await next()
  })
  app.use('/webhooks', bodyLimit({ maxSize: 16 * 1024, onError: (c) => c.json({ error: 'the body must be at most 16 KiB' }, 413) }))
  app.onError((error, c) => {
    // hono's validators throw these for a body that is not JSON, or not said to be
    if (error instanceof HTTPException && error.status === 400) return c.json({ error: `the body must be a JSON object: ${error.message}` }, 400)
    if (error instanceof HTTPException && error.status === 415) return c.json({ error: 'the body must be JSON, sent with content-type: application/json' }, 415)
    return c.json({ error: 'internal error' }, 500)
  })

  /** The subscription the bearer token opens, or the answer saying why not. */
  const owned = (id: string, authorization: string | undefined): Subscription | { status: 401 | 404, error: string } => {
    const token = /^Bearer (\S+)$/i.exec(authorization ?? '')?.[1]
    if (token === undefined) return { status: 401, error: 'this route needs the webhook\'s secret as "Authorization: Bearer <secret>"' }
    const subscription = state.subscriptions.find((s) => s.id === id)
    // an unknown ID and a wrong secret read the same, so the answer does not confirm which IDs exist
    if (subscription === undefined || !sameSecret(subscription.secret, token)) return { status: 404, error: `no webhook ${id} has this secret` }
    return subscription
  }

  app.openapi(createRoute({
    method: 'post', path: '/webhooks', summary: 'Subscribe a URL to the protocol\'s events',
    description: 'Each event the indexer records after this call that matches `events` and `task` is POSTed as `{ id, event }`, signed, retried with backoff until a 2xx answer or the last attempt.',
    request: { body: { content: { 'application/json': { schema: createBody } }, required: true } },
    responses: {
      201: json(createdSchema, 'the webhook, with its secret (shown only now)'),
      400: json(errorSchema, 'the body is malformed, or the URL is not allowed; `error` says which'),
      409: json(errorSchema, 'the service holds as many webhooks as it may')
    }
  }), (c) => {
    const body = c.req.valid('json')
    try {
      checkDestination(body.url, policy)
    } catch (error) {
      if (error instanceof DestinationRefusedError) return c.json({ error: error.message }, 400)
      throw error
    }
    if (state.subscriptions.length >= maxSubscriptions) return c.json({ error: `the service holds its maximum of ${maxSubscriptions} webhooks; delete one first` }, 409)
    const subscription: Subscription = {
      id: `wh_${randomBytes(8).toString('hex')}`,
      url: body.url,
      ...(body.events === undefined ? {} : { events: body.events }),
      ...(body.task === undefined ? {} : { task: body.task }),
      secret: `whsec_${randomBytes(32).toString('hex')}`,
      createdAt: new Date().toISOString()
    }
    state.subscriptions.push(subscription)
    store.save()
    return c.json({ ...view(subscription, []), secret: subscription.secret }, 201)
  })

  const notOwned = { 401: json(errorSchema, 'no bearer token'), 404: json(errorSchema, 'no such webhook, or the token is not its secret') }

  app.openapi(createRoute({
    method: 'get', path: '/webhooks/{id}', summary: 'A webhook and its delivery counts', security: [{ bearer: [] }],
    request: { params: idParams, headers: auth },
    responses: { 200: json(subscriptionSchema, 'the webhook'), ...notOwned }
  }), (c) => {
    const found = owned(c.req.valid('param').id, c.req.valid('header').authorization)
    if (!('secret' in found)) return c.json({ error: found.error }, found.status)
    return c.json(view(found, state.deliveries), 200)
  })

  app.openapi(createRoute({
    method: 'get', path: '/webhooks/{id}/deliveries', summary: 'The webhook\'s delivery log, oldest first: every attempt, its time and its answer', security: [{ bearer: [] }],
    request: { params: idParams, headers: auth },
    responses: { 200: json(z.object({ items: z.array(deliverySchema) }).openapi('DeliveryLog'), 'the log'), ...notOwned }
  }), (c) => {
    const found = owned(c.req.valid('param').id, c.req.valid('header').authorization)
    if (!('secret' in found)) return c.json({ error: found.error }, found.status)
    const items = state.deliveries.filter((d) => d.subscriptionId === found.id)
      .map((d) => ({ id: d.id, eventId: d.eventId, eventName: d.event.name, state: d.state, attempts: d.attempts, nextAttemptAt: d.nextAttemptAt }))
    return c.json({ items }, 200)
  })

  app.openapi(createRoute({
    method: 'delete', path: '/webhooks/{id}', summary: 'Stop a webhook; its pending deliveries are dropped', security: [{ bearer: [] }],
    request: { params: idParams, headers: auth },
    responses: { 204: { description: 'deleted' }, ...notOwned }
  }), (c) => {
    const found = owned(c.req.valid('param').id, c.req.valid('header').authorization)
    if (!('secret' in found)) return c.json({ error: found.error }, found.status)
    state.subscriptions.splice(state.subscriptions.indexOf(found), 1)
    state.deliveries = state.deliveries.filter((d) => d.subscriptionId !== found.id)
    store.save()
    return c.body(null, 204)
  })

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer', description: 'the webhook\'s secret' })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'ML Bridge webhooks', version: '1',
      description: 'Signed POSTs of the indexer\'s events. Verify a delivery with the SDK\'s verifyWebhook: header mlbridge-signature is t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>.'
    }
  })
  return app
}
