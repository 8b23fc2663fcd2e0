/**
 * Live updates and webhooks against the real parts: anvil with the deployed contracts, the indexer
 * (Ponder on PGlite), the webhook service, and local HTTP receivers. A placeholder task run to
 * completion makes the events; the feed, its stream and the signed deliveries are checked.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createLogger } from '../../src/core/log.ts'
import { createClient, verifyWebhook, WebhookVerificationError, type ProtocolEvent } from '../../src/sdk/index.ts'
import type { Indexer } from '../indexer.ts'
import { freePort } from '../ports.ts'
import { runPlaceholderTask, type PlaceholderRun } from '../testing/placeholderRound.ts'
import { createPlainTask } from '../testing/placeholderTask.ts'
import { useLocalChain } from '../testing/useLocalChain.ts'
import { startTestIndexer, INDEXER_STARTUP_MS } from '../testing/testIndexer.ts'
import { startWebhookService, type WebhookService, type WebhookServiceOptions } from './service.ts'

const local = useLocalChain()

interface Received { path: string, headers: IncomingHttpHeaders, body: string }

/** A webhook receiver: records every request; `/flaky` answers 500 to a delivery's first two attempts. */
async function startReceiver (): Promise<{ url: string, received: Received[], server: Server }> {
  const received: Received[] = []
  const tries = new Map<string, number>()
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      received.push({ path: req.url ?? '', headers: req.headers, body })
      const delivery = String(req.headers['mlbridge-delivery'])
      tries.set(delivery, (tries.get(delivery) ?? 0) + 1)
      res.statusCode = req.url === '/flaky' && (tries.get(delivery) ?? 0) <= 2 ? 500 : 200
      res.end('ok')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received, server }
}

let dir: string
let indexer: Indexer
let receiver: Awaited<ReturnType<typeof startReceiver>>
let service: WebhookService
let serviceOptions: WebhookServiceOptions

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlb-webhooks-'))
  indexer = await startTestIndexer(local(), dir)
  receiver = await startReceiver()
  serviceOptions = {
    api: indexer.url, file: join(dir, 'webhooks.json'), port: 0, pollMs: 100, backoff: { baseMs: 50, maxMs: 200 }, maxAttempts: 4, timeoutMs: 2000,
    log: createLogger('webhooks', { level: 'error', write: () => {} })
  }
  service = await startWebhookService(serviceOptions)
}, 2 * INDEXER_STARTUP_MS)

afterAll(async () => {
  await service?.stop()
  receiver?.server.close()
  await indexer?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

/** Polls `cond` (sync or not) every 50 ms until it holds. */
async function waitFor (cond: () => boolean | Promise<boolean>, { timeoutMs }: { timeoutMs: number }): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!await cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${cond.toString()}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function call (method: string, path: string, body?: unknown, token?: string): Promise<{ status: number, body: any }> {
  const response = await fetch(`${service.url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) })
  })
  return { status: response.status, body: response.status === 204 ? null : await response.json() }
}

describe('events and webhooks', () => {
  let run: PlaceholderRun
  let events: ProtocolEvent[]
  const hooks: Record<'ok' | 'flaky' | 'down', { id: string, secret: string }> = {} as never

  it('takes subscriptions, refusing a URL beyond loopback and a malformed body with a clear 400', async () => {
    const ok = await call('POST', '/webhooks', { url: `${receiver.url}/ok`, events: ['TaskCreated', 'TaskCompleted'] })
    expect(ok.status).toBe(201)
    expect(ok.body).toMatchObject({ id: expect.stringMatching(/^wh_/), secret: expect.stringMatching(/^whsec_/), events: ['TaskCreated', 'TaskCompleted'], task: null })
    hooks.ok = ok.body
    hooks.flaky = (await call('POST', '/webhooks', { url: `${receiver.url}/flaky`, events: ['TaskCompleted'] })).body
    // nothing listens here: every attempt fails to connect
    hooks.down = (await call('POST', '/webhooks', { url: `http://127.0.0.1:${await freePort()}/`, events: ['TaskCompleted'] })).body

    expect(await call('POST', '/webhooks', { url: 'https://example.com/hook' })).toEqual({
      status: 400, body: { error: 'url\'s host example.com is not loopback, and only loopback destinations are allowed unless MLBRIDGE_WEBHOOKS_ALLOW names the host' }
    })
    expect(await call('POST', '/webhooks', { url: 'http://10.0.0.1/' })).toMatchObject({ status: 400, body: { error: expect.stringContaining('10.0.0.1 is not loopback') } })
    expect(await call('POST', '/webhooks', { url: 'file:///etc/passwd' })).toEqual({ status: 400, body: { error: 'url must use http or https, got "file"' } })
    expect(await call('POST', '/webhooks', { url: `${receiver.url}/ok`, events: ['Nope'] })).toMatchObject({ status: 400, body: { error: expect.stringMatching(/^events\.0: /) } })
    expect(await call('POST', '/webhooks', { url: `${receiver.url}/ok`, secret: 'mine' })).toEqual({ status: 400, body: { error: 'unknown field "secret"; a webhook takes url, events, task' } })
    expect(await call('POST', '/webhooks', '{not json')).toMatchObject({ status: 400, body: { error: expect.stringContaining('the body must be a JSON object') } })
    const doc = await (await fetch(`${service.url}/openapi.json`)).json() as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths).sort()).toEqual(['/webhooks', '/webhooks/{id}', '/webhooks/{id}/deliveries'])
  })

  it('records every event of a task run in /events, in chain order, filtered and paged', async () => {
    const { ctxOf, publicClient } = local()
    run = await runPlaceholderTask(local(), ctxOf(1), ctxOf(2))
    await indexer.waitForBlock(await publicClient.getBlockNumber())
    const sdk = createClient({ api: indexer.url })

    events = (await sdk.events({ task: run.taskId, limit: 200 })).items
    const names = events.map((e) => e.name)
    // the task's genesis version and model are created inside createTask, before TaskCreated (which files the version's registration under the task)
    expect(names.slice(0, names.indexOf('TaskCreated'))).toEqual(['VersionRegistered', 'ModelCreated'])
    // the verifier closes the task after it completes
    expect(names.slice(-2)).toEqual(['TaskCompleted', 'TaskClosed'])
    expect(names).toEqual(expect.arrayContaining(['ProviderJoined', 'RoundStarted', 'RoundConfigured', 'Committed', 'Revealed', 'ShardAccepted', 'RoundDecided', 'RewardCredited', 'VersionProposed']))
    // VersionFinalized names only the version: the feed knows its task from VersionProposed
    expect(events.find((e) => e.name === 'VersionFinalized')).toMatchObject({ taskId: String(run.taskId), args: { versionId: String(run.versionId) } })
    expect(events.map((e) => BigInt(e.id))).toEqual(events.map((e) => BigInt(e.id)).sort((a, b) => a < b ? -1 : a > b ? 1 : 0))
    expect(events[1]).toMatchObject({ contract: 'ModelRegistry', name: 'ModelCreated', taskId: String(run.taskId), args: { taskId: String(run.taskId) } })
    expect(BigInt(events[0]!.id)).toBe((BigInt(events[0]!.blockNumber) << 20n) + BigInt(events[0]!.logIndex))

    const completed = await sdk.events({ name: ['TaskCompleted', 'Claimed'] })
    expect(completed.items.map((e) => e.name)).toEqual(['TaskCompleted', 'Claimed'])
    const first = await sdk.events({ task: run.taskId, limit: 2 })
    expect(first.items).toEqual(events.slice(0, 2))
    expect((await sdk.events({ task: run.taskId, limit: 2, cursor: first.nextCursor! })).items).toEqual(events.slice(2, 4))

    const get = async (query: string): Promise<unknown> => { const r = await fetch(`${indexer.url}/events?${query}`); return { status: r.status, body: await r.json() } }
    expect(await get('name=TaskCreated,Nope')).toEqual({ status: 400, body: { error: expect.stringMatching(/^name must be event names separated by commas \(TaskCreated, .*\), got "Nope"$/) } })
    expect(await get('task=x')).toEqual({ status: 400, body: { error: 'task must be a non-negative integer, got "x"' } })
    expect(await get('after=3')).toEqual({ status: 400, body: { error: 'unknown query parameter "after"; this route takes task, name, limit, cursor' } })
    await expect(sdk.events({ limit: 0 })).rejects.toMatchObject({ status: 400 })
  }, 90_000)

  it('streams the events as Server-Sent Events, resuming after Last-Event-ID, and live as they are indexed', async () => {
    const sdk = createClient({ api: indexer.url })
    const seen: ProtocolEvent[] = []
    const stop = sdk.watchEvents({ task: run.taskId }, (event) => { seen.push(event) })
    await waitFor(() => seen.length >= events.length, { timeoutMs: 10_000 })
    stop()
    expect(seen).toEqual(events)

    // a reconnecting EventSource's header: the stream goes on after that event
    const response = await fetch(`${indexer.url}/events/stream?task=${run.taskId}`, { headers: { 'last-event-id': events[2]!.id } })
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const reader = response.body!.getReader()
    let text = ''
    while (!text.includes('\n\n')) text += new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    expect(text).toMatch(new RegExp(`^event: ${events[3]!.name}\ndata: .*\nid: ${events[3]!.id}\n\n`))

    expect((await fetch(`${indexer.url}/events/stream?name=Nope`)).status).toBe(400)

    // live: an event indexed while the stream is open arrives on it
    const live: ProtocolEvent[] = []
    const stopLive = sdk.watchEvents({ name: 'TaskCreated', after: events.at(-1)!.id }, (event) => { live.push(event) })
    const taskId = await createPlainTask(local().ctxOf(1))
    await waitFor(() => live.length > 0, { timeoutMs: 10_000 })
    stopLive()
    expect(live.map((e) => e.taskId)).toEqual([String(taskId)])
  }, 60_000)

  it('delivers signed events that verifyWebhook accepts, and only those', async () => {
    await waitFor(() => receiver.received.filter((r) => r.path === '/ok').length >= 3, { timeoutMs: 15_000 })
    const ok = receiver.received.filter((r) => r.path === '/ok')
    const payloads = await Promise.all(ok.map(async (r) => await verifyWebhook({ secret: hooks.ok.secret, header: r.headers['mlbridge-signature'] as string, body: r.body })))
    expect(payloads.map((p) => p.event.name)).toEqual(['TaskCreated', 'TaskCompleted', 'TaskCreated'])
    expect(payloads[0]!.event).toEqual(events.find((e) => e.name === 'TaskCreated'))
    expect(ok[0]!.headers['content-type']).toBe('application/json')
    expect(ok[0]!.headers['mlbridge-delivery']).toBe(payloads[0]!.id)

    const { headers, body } = ok[1]!
    const header = headers['mlbridge-signature'] as string
    const refusal = async (options: Partial<Parameters<typeof verifyWebhook>[0]>): Promise<unknown> =>
      await verifyWebhook({ secret: hooks.ok.secret, header, body, ...options }).then(() => 'accepted', (error: unknown) => error instanceof WebhookVerificationError ? error.reason : error)
    expect(await refusal({ body: body.replace('TaskCompleted', 'TaskCancelled') })).toBe('bad-signature')
    expect(await refusal({ secret: hooks.flaky.secret })).toBe('bad-signature')
    expect(await refusal({ header: undefined })).toBe('missing-header')
    expect(await refusal({ now: Number(/t=(\d+)/.exec(header)![1]) + 3600 })).toBe('stale-timestamp')
  }, 30_000)

  it('retries with backoff until a 2xx, and logs every attempt; marks a delivery failed after the last', async () => {
    await waitFor(async () => (await call('GET', `/webhooks/${hooks.down.id}/deliveries`, undefined, hooks.down.secret)).body.items[0]?.state === 'failed', { timeoutMs: 15_000 })
    const flaky = await call('GET', `/webhooks/${hooks.flaky.id}/deliveries`, undefined, hooks.flaky.secret)
    expect(flaky.status).toBe(200)
    expect(flaky.body.items).toEqual([expect.objectContaining({ eventName: 'TaskCompleted', eventId: events.find((e) => e.name === 'TaskCompleted')!.id, state: 'delivered', nextAttemptAt: null })])
    const attempts = flaky.body.items[0].attempts as Array<{ at: string, status: number }>
    expect(attempts.map((a) => a.status)).toEqual([500, 500, 200])
    // the second retry waited at least half of twice the base step
    expect(Date.parse(attempts[2]!.at) - Date.parse(attempts[1]!.at)).toBeGreaterThanOrEqual(50)
    const sent = receiver.received.filter((r) => r.path === '/flaky')
    expect(sent).toHaveLength(3)
    expect(new Set(sent.map((r) => r.headers['mlbridge-delivery']))).toEqual(new Set([flaky.body.items[0].id]))

    const down = (await call('GET', `/webhooks/${hooks.down.id}/deliveries`, undefined, hooks.down.secret)).body.items[0]
    expect(down.attempts).toHaveLength(4)
    expect(down.attempts[0]).toMatchObject({ error: expect.any(String) })
    expect(await call('GET', `/webhooks/${hooks.down.id}`, undefined, hooks.down.secret)).toMatchObject({ status: 200, body: { deliveries: { pending: 0, delivered: 0, failed: 1, dropped: 0 } } })
  }, 30_000)

  it('needs the secret to read or delete a webhook, and keeps everything across a restart', async () => {
    expect((await call('GET', `/webhooks/${hooks.ok.id}`)).status).toBe(401)
    expect(await call('GET', `/webhooks/${hooks.ok.id}/deliveries`, undefined, hooks.flaky.secret)).toEqual({ status: 404, body: { error: `no webhook ${hooks.ok.id} has this secret` } })
    expect((await call('DELETE', `/webhooks/${hooks.ok.id}`, undefined, 'wrong')).status).toBe(404)

    const before = receiver.received.length
    await service.stop()
    service = await startWebhookService(serviceOptions)
    expect(await call('GET', `/webhooks/${hooks.ok.id}`, undefined, hooks.ok.secret)).toMatchObject({ status: 200, body: { url: `${receiver.url}/ok`, deliveries: { delivered: 3 } } })
    // resumed from its cursor: nothing is sent twice
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(receiver.received.length).toBe(before)

    expect(await call('DELETE', `/webhooks/${hooks.ok.id}`, undefined, hooks.ok.secret)).toEqual({ status: 204, body: null })
    expect((await call('GET', `/webhooks/${hooks.ok.id}`, undefined, hooks.ok.secret)).status).toBe(404)
  }, 30_000)
})
