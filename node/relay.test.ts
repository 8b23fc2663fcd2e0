import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as raw from 'multiformats/codecs/raw'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterEach, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from './relay.ts'

describe('startRelay', () => {
  const cleanup: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn()
  })

  async function tempDir (): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'mlbridge-relay-'))
    cleanup.push(async () => await rm(dir, { recursive: true, force: true }))
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
})
