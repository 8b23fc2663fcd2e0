import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import * as raw from 'multiformats/codecs/raw'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../node/relay.ts'
import { waitFor } from '../../node/testing/waitFor.ts'
import { anyWallet } from '../core/messages/index.ts'
import { byteMeter, type ByteMeter } from './byteMeter.ts'
import { createBrowserNode, type BrowserNode } from './createBrowserNode.ts'

async function randomBlock (size: number): Promise<{ cid: CID, bytes: Uint8Array }> {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, Math.min(size, i + 65536)))
  return { cid: CID.createV1(raw.code, await sha256.digest(bytes)), bytes }
}

describe('byte meter on a browser node', () => {
  let dataDir: string
  let relay: Relay
  let node: BrowserNode
  let meter: ByteMeter

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-meter-'))
    relay = await startRelay({ port: 0, dataDir })
    meter = byteMeter()
    node = await createBrowserNode({ relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory', webRTC: false, membership: anyWallet, meter })
    await waitFor('relay connection', () => node.libp2p.getConnections().length > 0)
  })

  afterAll(async () => {
    await node?.stop()
    await relay?.stop()
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  })

  it('counts the bytes of a block fetched as received and of a block served as sent, framing included', async () => {
    const down = await randomBlock(200_000)
    await relay.helia.blockstore.put(down.cid, down.bytes)
    const before = { ...meter.bytes }
    for await (const _ of node.helia.blockstore.get(down.cid, { signal: AbortSignal.timeout(10_000) })) { /* drain */ }
    expect(meter.bytes.received - before.received).toBeGreaterThanOrEqual(200_000)
    // the request is small: the block is not counted as sent
    expect(meter.bytes.sent - before.sent).toBeLessThan(20_000)

    const up = await randomBlock(100_000)
    await node.helia.blockstore.put(up.cid, up.bytes)
    const mid = { ...meter.bytes }
    for await (const _ of relay.helia.pins.add(up.cid, { signal: AbortSignal.timeout(10_000) })) { /* drain */ }
    expect(meter.bytes.sent - mid.sent).toBeGreaterThanOrEqual(100_000)
    expect(meter.bytes.received - mid.received).toBeLessThan(20_000)
    // bitswap carried both blocks; its payload is part of the wire total
    const bitswap = meter.byProtocol.get('/ipfs/bitswap/1.2.0')
    expect(bitswap?.received).toBeGreaterThanOrEqual(200_000)
    expect(bitswap?.sent).toBeGreaterThanOrEqual(100_000)
    expect((bitswap?.sent ?? 0) + (bitswap?.received ?? 0)).toBeLessThanOrEqual(meter.bytes.sent + meter.bytes.received)
  })
})
