/**
 * A provider's pins against a busy pinner: the retry's own logic with a recorded clock, and a real
 * relay whose only pin slot another wallet holds, the way 32 providers' uploads met the pinner.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { multiaddr } from '@multiformats/multiaddr'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../node/relay.ts'
import { anyWallet, authorizeSession } from '../core/messages/index.ts'
import { createBrowserNode, type BrowserNode } from '../p2p/createBrowserNode.ts'
import { PinRefusedError, requestPin } from '../p2p/pinService.ts'
import { cborCid } from '../storage/cid.ts'
import { BUSY_RETRIES, retryWhileBusy, startNetworkSession } from './networkSession.ts'

const CHAIN = 31337

describe('retryWhileBusy', () => {
  const recording = (): { waits: number[], sleep: (ms: number) => Promise<void> } => {
    const waits: number[] = []
    return { waits, sleep: async (ms) => { waits.push(ms) } }
  }

  it('asks again after growing waits while the pinner is busy, then returns its answer', async () => {
    const clock = recording()
    let calls = 0
    const answer = await retryWhileBusy(async () => {
      if (++calls < 4) throw new PinRefusedError('busy', '8 pins in progress, try again later')
      return 'receipt'
    }, { clock, random: () => 0.5 })
    expect(answer).toBe('receipt')
    expect(clock.waits).toEqual([250, 500, 1000])
  })

  it('passes any other refusal or error through at once: only busy is worth another try', async () => {
    const clock = recording()
    const quota = new PinRefusedError('over-quota', 'the task is over its quota')
    await expect(retryWhileBusy(async () => { throw quota }, { clock })).rejects.toBe(quota)
    await expect(retryWhileBusy(async () => { throw new Error('dial failed') }, { clock })).rejects.toThrow('dial failed')
    expect(clock.waits).toEqual([])
  })

  it('stops at once when the caller gave up, busy or not', async () => {
    const controller = new AbortController()
    let calls = 0
    const err = await retryWhileBusy(async () => {
      calls++
      controller.abort(new Error('step timed out'))
      throw new PinRefusedError('busy', 'full')
    }, { signal: controller.signal, clock: recording() }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PinRefusedError)
    expect(calls).toBe(1)
  })

  it('gives up after BUSY_RETRIES waits with the last refusal', async () => {
    const clock = recording()
    let calls = 0
    const err = await retryWhileBusy(async () => { calls++; throw new PinRefusedError('busy', 'full') }, { clock, random: () => 0.5 }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PinRefusedError)
    expect(calls).toBe(BUSY_RETRIES + 1)
    expect(clock.waits).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000])
  })
})

describe('a provider session pinning at a busy pinner', () => {
  let dataDir: string | undefined
  let relay: Relay | undefined
  const nodes: BrowserNode[] = []

  afterAll(async () => {
    await Promise.allSettled(nodes.map(async n => await n.stop()))
    await relay?.stop()
    if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  })

  it('waits for a free slot instead of failing the upload', async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-session-'))
    // one pin slot, let go 3 s after its content stops arriving
    relay = await startRelay({ port: 0, dataDir, chainId: CHAIN, pinning: { maxConcurrent: 1, stallTimeoutMs: 3000 }, log: { write: () => {} } })
    const client = async (): Promise<BrowserNode> => {
      const node = await createBrowserNode({ relayMultiaddrs: relay?.multiaddrs ?? [], allowLoopback: true, storage: 'memory', webRTC: false, chainId: CHAIN, membership: anyWallet })
      nodes.push(node)
      return node
    }
    const [other, mine] = [await client(), await client()]
    const pinner = relay.multiaddrs.map(m => multiaddr(m))
    const otherSigner = (await authorizeSession({ wallet: privateKeyToAccount(generatePrivateKey()), peerId: other.peerId, chainId: CHAIN })).signer
    // another wallet's request for a block nobody has holds the only slot until it stalls
    const missing = await cborCid(dagCbor.encode({ nothing: 1 }))
    const holding = requestPin(other.libp2p, pinner, otherSigner, { taskId: '5', kind: 'delta', cid: missing }).catch((e: unknown) => e)
    await expect.poll(() => relay?.pinning.metrics().active, { interval: 10, timeout: 10_000 }).toBe(1)

    const session = await startNetworkSession(mine, { wallet: privateKeyToAccount(generatePrivateKey()), chainId: CHAIN, relays: relay.multiaddrs })
    const bytes = new Uint8Array(50_000).fill(7)
    const cid = await mine.storage.blobs.put(bytes, { kind: 'delta' })
    // a single request now is refused: the slot is taken
    const refused = await requestPin(mine.libp2p, pinner, session.signer, { taskId: '5', kind: 'delta', cid }).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(PinRefusedError)
    expect((refused as PinRefusedError).code).toBe('busy')

    const receipt = await session.pin('5', 'delta', cid)
    expect(JSON.parse(receipt.payload)).toMatchObject({ op: 'pinned', cid: cid.toString(), size: bytes.length })
    expect(((await holding) as PinRefusedError).code).toBe('not-found')
    expect(relay.pinning.metrics()).toMatchObject({ pins: 1, active: 0 })
    expect(relay.pinning.metrics().refusals.busy).toBeGreaterThanOrEqual(2)
  }, 60_000)
})
