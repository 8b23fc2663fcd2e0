import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { build, createServer, preview, type InlineConfig } from 'vite'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { headersFile, metaPolicy, securityHeaders } from './securityHeaders.ts'
import { networkConfigPlugin } from './viteNetworkConfig.ts'
import { securityHeadersPlugin } from './viteSecurityHeaders.ts'
import { parseNetworkConfig } from '../src/core/networkConfig.ts'

const network = parseNetworkConfig({
  chainId: 84532,
  rpcUrl: 'https://rpc.example.org',
  contracts: { MLBToken: `0x${'11'.repeat(20)}` },
  bootstrap: ['/dns4/relay.example.org/tcp/443/wss/p2p/12D3KooWLbZnF9mSjGBKfYkJQc2r6ncK5uQpRgnGPYFxdTwVm3ky']
})

let root: string
const config = (): InlineConfig => ({
  root, configFile: false, logLevel: 'silent', plugins: [securityHeadersPlugin(), networkConfigPlugin()]
})
const origin = (server: { httpServer: unknown }): string => `http://127.0.0.1:${((server.httpServer as { address: () => AddressInfo }).address()).port}`

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'mlbridge-headers-'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><meta charset="UTF-8" /><title>t</title></head><body><script type="module" src="/main.js"></script></body></html>')
  writeFileSync(join(root, 'main.js'), 'document.title = "ok"\n')
  writeFileSync(join(root, 'network.json'), JSON.stringify(network))
  vi.stubEnv('MLBRIDGE_CONFIG', join(root, 'network.json'))
})
afterAll(() => {
  vi.unstubAllEnvs()
  rmSync(root, { recursive: true, force: true })
})

describe('security headers plugin', () => {
  it('dev server: every response carries the policy, and the page a fresh nonce on each of its own tags', async () => {
    const server = await (await createServer({ ...config(), server: { host: '127.0.0.1', port: 0 } })).listen()
    try {
      const page = async (): Promise<{ nonce: string, html: string }> => {
        const res = await fetch(`${origin(server)}/`, { headers: { accept: 'text/html' } })
        const policy = res.headers.get('content-security-policy') ?? ''
        expect(policy).toBe(securityHeaders({ network, nonce: /'nonce-([^']+)'/.exec(policy)?.[1] })['Content-Security-Policy'])
        return { nonce: /'nonce-([^']+)'/.exec(policy)![1]!, html: await res.text() }
      }
      const first = await page()
      const second = await page()
      expect(first.nonce).not.toBe(second.nonce)
      const stamped = [...first.html.matchAll(/nonce="([^"]*)"/g)].map((m) => m[1])
      expect(stamped.length).toBeGreaterThanOrEqual(2)
      expect(new Set(stamped)).toEqual(new Set([first.nonce]))
      const module = await fetch(`${origin(server)}/main.js`)
      expect(module.headers.get('x-frame-options')).toBe('DENY')
    } finally {
      await server.close()
    }
  })

  it('build: a _headers file and a meta policy from the same module; vite preview serves the same headers', async () => {
    await build({ ...config(), build: { outDir: 'dist' } })
    expect(readFileSync(join(root, 'dist/_headers'), 'utf8')).toBe(headersFile({ network }))
    const html = readFileSync(join(root, 'dist/index.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html><html><head><meta charset="UTF-8" \/>\n\s*<meta http-equiv="Content-Security-Policy"/)
    expect(html).toContain(`content="${metaPolicy({ network })}"`)

    const server = await preview({ ...config(), preview: { host: '127.0.0.1', port: 0 } })
    try {
      const res = await fetch(`${origin(server)}/`)
      for (const [name, value] of Object.entries(securityHeaders({ network }))) expect(res.headers.get(name)).toBe(value)
    } finally {
      await server.close()
    }
  })
})
