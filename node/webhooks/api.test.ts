import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { webhookApi } from './api.ts'
import { openStore } from './store.ts'

const dirs: string[] = []
afterEach(() => { for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true }) })

/** The API over a fresh store file, called without a server. */
function api (maxSubscriptions = 100): { request: (path: string, init?: RequestInit) => Promise<Response>, file: string, app: ReturnType<typeof webhookApi> } {
  const dir = mkdtempSync(join(tmpdir(), 'mlb-webhooks-api-'))
  dirs.push(dir)
  const file = join(dir, 'webhooks.json')
  const app = webhookApi({ store: openStore(file), policy: { allow: [] }, maxSubscriptions })
  return { request: async (path, init = {}) => await app.request(`http://127.0.0.1${path}`, init), file, app }
}

const post = (body: string): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body })

describe('webhook API', () => {
  it('stores a subscription durably, its file readable by its owner only', async () => {
    const { request, file } = api()
    const created = await request('/webhooks', post(JSON.stringify({ url: 'http://127.0.0.1:9/hook', task: '7' })))
    expect(created.status).toBe(201)
    const { id, secret } = await created.json() as { id: string, secret: string }
    expect(JSON.parse(readFileSync(file, 'utf8')).subscriptions).toEqual([expect.objectContaining({ id, secret, task: '7' })])
    expect(statSync(file).mode & 0o777).toBe(0o600)
    // a second store over the same file sees it: nothing lives only in memory
    const again = webhookApi({ store: openStore(file), policy: { allow: [] } })
    expect((await again.request(`http://127.0.0.1/webhooks/${id}`, { headers: { authorization: `Bearer ${secret}` } })).status).toBe(200)
  })

  it('caps the subscriptions and the body, and refuses a body not sent as JSON', async () => {
    const { request } = api(1)
    expect((await request('/webhooks', post(JSON.stringify({ url: 'http://localhost/a' })))).status).toBe(201)
    const full = await request('/webhooks', post(JSON.stringify({ url: 'http://localhost/b' })))
    expect(full.status).toBe(409)
    expect(await full.json()).toEqual({ error: 'the service holds its maximum of 1 webhooks; delete one first' })
    expect((await request('/webhooks', post(JSON.stringify({ url: `http://localhost/${'a'.repeat(20_000)}` })))).status).toBe(413)
    // a form on a web page can send text/plain without asking: it is refused
    const form = await request('/webhooks', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{"url":"http://localhost/"}' })
    expect(form.status).toBe(415)
    expect(await form.json()).toEqual({ error: 'the body must be JSON, sent with content-type: application/json' })
  })

  it('answers only requests addressed to a loopback name, so a rebound DNS name cannot reach it from a page', async () => {
    const { request, app } = api()
    const rebound = await app.request('http://evil.example:4005/webhooks', post(JSON.stringify({ url: 'http://localhost/a' })))
    expect(rebound.status).toBe(421)
    expect(await rebound.json()).toEqual({ error: 'this service answers requests for loopback host names only, not "evil.example"' })
    expect((await app.request('http://localhost:4005/openapi.json')).status).toBe(200)
    expect((await request('/openapi.json')).status).toBe(200)
  })
})
