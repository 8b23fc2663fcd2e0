import { afterEach, describe, expect, it } from 'vitest'
import { startMetricsServer, type MetricsServer } from './metricsServer.ts'
import type { OperatorMetrics } from './metrics.ts'

const snapshot: OperatorMetrics = {
  relay: { connections: { open: 1, total: 1 }, bytes: { in: 10, out: 20 }, gossipRejections: {}, dialsDenied: 0 },
  pinner: { pins: 0, bytesPinned: 0, active: 0, released: 0, rebuilt: 0, refusals: { busy: 0, unauthorized: 1, 'too-large': 0, 'over-quota': 0, 'not-found': 0, 'bad-request': 0, failed: 0 } }
}

describe('startMetricsServer', () => {
  let server: MetricsServer | undefined
  afterEach(async () => { await server?.stop() })

  it('serves Prometheus text and JSON on loopback only, and nothing else', async () => {
    server = await startMetricsServer({ port: 0, collect: () => snapshot })
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const text = await fetch(`${server.url}/metrics`)
    expect(text.status).toBe(200)
    expect(text.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect((await text.text()).split('\n')).toContain('mlbridge_pinner_refusals_total{reason="unauthorized"} 1')

    const json = await fetch(`${server.url}/metrics.json`)
    expect(json.headers.get('content-type')).toBe('application/json; charset=utf-8')
    expect(await json.json()).toEqual(snapshot)

    expect((await fetch(`${server.url}/`)).status).toBe(404)
    expect((await fetch(`${server.url}/metrics`, { method: 'POST' })).status).toBe(405)
  })
})
