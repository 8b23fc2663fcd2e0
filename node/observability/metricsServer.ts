import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { formatPrometheus, operatorMetricFamilies, type OperatorMetrics } from './metrics.ts'

export const DEFAULT_METRICS_PORT = 9464

export interface MetricsServerOptions {
  /** 0 picks a free port (tests) */
  port: number
  collect: () => OperatorMetrics
}

export interface MetricsServer {
  /** e.g. http://127.0.0.1:9464 (the endpoints are /metrics and /metrics.json) */
  url: string
  stop: () => Promise<void>
}

/**
 * `GET /metrics` (Prometheus text) and `GET /metrics.json`. Bound to 127.0.0.1 whatever else the
 * stack binds: the counters name no secrets, but peers and traffic are the operator's business;
 * a scraper elsewhere reaches them through the operator's own tunnel or proxy.
 */
export async function startMetricsServer (opts: MetricsServerOptions): Promise<MetricsServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname
    if (path !== '/metrics' && path !== '/metrics.json') {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found: try /metrics or /metrics.json\n')
      return
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('method not allowed\n')
      return
    }
    const metrics = opts.collect()
    if (path === '/metrics') res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(formatPrometheus(operatorMetricFamilies(metrics)))
    else res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(metrics))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen({ host: '127.0.0.1', port: opts.port }, () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
