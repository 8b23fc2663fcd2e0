import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { multiaddr } from '@multiformats/multiaddr'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterEach, describe, expect, it } from 'vitest'
import { anyWallet, authorizeSession } from '../src/core/messages/index.ts'
import { createBrowserNode } from '../src/p2p/createBrowserNode.ts'
import { requestPin } from '../src/p2p/pinService.ts'
import { startMetricsServer } from './observability/metricsServer.ts'
import { startRelay, type Relay } from './relay.ts'

async function waitFor (what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs
  while (!await cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

describe('startRelay', () => {
  const cleanup: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mlbridge-relay-'))
    cleanup.push(async () => await rm(dir, { recursive: true, force: true, maxRetries: 5 }))
    return dir
  }

  it('keeps its peer ID and its pins across restarts in the same dataDir', async () => {
    const dataDir = await tempDir()
    const bytes = new TextEncoder().encode('pinned model version')
    const cid = CID.createV1(raw.code, await sha256.digest(bytes))

    let relay: Relay = await startRelay({ port: 0, dataDir })
    const firstId = relay.peerId
    expect(relay.multiaddrs).toHaveLength(1)
    expect(relay.multiaddrs[0]).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/ws/p2p/${firstId}$`))
    await relay.helia.blockstore.put(cid, bytes)
    for await (const _ of relay.helia.pins.add(cid)) { /* drain */ }
    await relay.stop()

    relay = await startRelay({ port: 0, dataDir })
    cleanup.push(async () => await relay.stop())
    expect(relay.peerId).toBe(firstId)
    expect(await relay.helia.pins.isPinned(cid)).toBe(true)
    expect(await relay.helia.blockstore.has(cid)).toBe(true)
  })

  it('gets a fresh identity in a fresh dataDir and runs the relay and gossip services', async () => {
    const a = await startRelay({ port: 0, dataDir: await tempDir() })
    cleanup.push(async () => await a.stop())
    const b = await startRelay({ port: 0, dataDir: await tempDir() })
    cleanup.push(async () => await b.stop())
    expect(a.peerId).not.toBe(b.peerId)
    expect(a.libp2p.getProtocols()).toEqual(expect.arrayContaining([
      '/libp2p/circuit/relay/0.2.0/hop', '/meshsub/1.1.0', '/ipfs/bitswap/1.2.0', '/ipfs/id/1.0.0', '/ipfs/ping/1.0.0', '/mlbridge/pin/1.0.0'
    ]))
  })

  it('fails loudly when the port is taken instead of listening nowhere', async () => {
    const first = await startRelay({ port: 0, dataDir: await tempDir() })
    cleanup.push(async () => await first.stop())
    const port = Number(/\/tcp\/(\d+)\//.exec(first.multiaddrs[0] ?? '')?.[1])
    await expect(startRelay({ port, dataDir: await tempDir() })).rejects.toThrow()
  })

  it('logs a peer\'s connection, gossip and pin refusals as JSON lines with peer and reason, and counts them on the metrics endpoint', async () => {
    const lines: string[] = []
    const relay = await startRelay({ port: 0, dataDir: await tempDir(), chainId: 31337, log: { level: 'info', write: (line) => lines.push(line) } })
    cleanup.push(async () => await relay.stop())
    const server = await startMetricsServer({ port: 0, collect: () => relay.metrics() })
    cleanup.push(async () => await server.stop())
    const records = (): Array<Record<string, unknown>> => lines.map(l => JSON.parse(l) as Record<string, unknown>)
    const scrape = async (): Promise<string> => await (await fetch(`${server.url}/metrics`)).text()

    const node = await createBrowserNode({ relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory', webRTC: false, chainId: 31337, membership: anyWallet })
    let nodeStopped = false
    cleanup.push(async () => { if (!nodeStopped) await node.stop() })
    // a wallet session for another chain: the relay refuses its gossip and its pin request
    const { signer } = await authorizeSession({ wallet: privateKeyToAccount(generatePrivateKey()), peerId: node.peerId, chainId: 1 })
    await waitFor('connection line', () => records().some(r => r.event === 'connection-opened'))
    expect(records().find(r => r.event === 'connection-opened')).toMatchObject({ level: 'info', component: 'relay', peer: node.peerId, address: 'loopback', direction: 'inbound' })

    const cid = await node.storage.blobs.put(new Uint8Array(64).fill(1), { kind: 'delta' })
    await expect(requestPin(node.libp2p, relay.multiaddrs.map(m => multiaddr(m)), signer, { taskId: '5', kind: 'delta', cid })).rejects.toThrow(/wrong-chain/)
    const refusal = records().find(r => r.event === 'pin-refused')
    expect(refusal).toMatchObject({ level: 'warn', component: 'pinner', peer: node.peerId, code: 'bad-request' })
    expect(refusal?.reason).toMatch(/wrong-chain/)

    const channel = node.joinTask({ taskId: '5', signer, presence: () => ({ backend: 'node', throughput: 1 }), announceIntervalMs: 300 })
    await waitFor('gossip rejection line', () => records().some(r => r.event === 'gossip-rejected'))
    expect(records().find(r => r.event === 'gossip-rejected')).toMatchObject({ level: 'warn', component: 'relay', peer: node.peerId, code: 'wrong-chain', reason: expect.stringMatching(/wrong-chain/) })
    channel.leave()
    for (const r of records()) expect(r.ts).toMatch(/^\d{4}-\d\d-\d\dT/)

    const text = (await scrape()).split('\n')
    expect(text).toContain('mlbridge_relay_connections_open 1')
    expect(text).toContain('mlbridge_relay_connections_total 1')
    expect(text).toContain('mlbridge_pinner_refusals_total{reason="bad-request"} 1')
    expect(text.find(l => l.startsWith('mlbridge_relay_gossip_rejected_total{reason="wrong-chain"}'))).toBeDefined()
    const json = await (await fetch(`${server.url}/metrics.json`)).json() as { relay: { bytes: { in: number, out: number } } }
    expect(json.relay.bytes.in).toBeGreaterThan(0)
    expect(json.relay.bytes.out).toBeGreaterThan(0)

    await node.stop()
    nodeStopped = true
    await waitFor('connection closed', () => records().some(r => r.event === 'connection-closed' && r.peer === node.peerId))
    expect((await scrape()).split('\n')).toContain('mlbridge_relay_connections_open 0')
  }, 60_000)
})
