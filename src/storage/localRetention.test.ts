import * as dagCbor from '@ipld/dag-cbor'
import { createHeliaLight } from 'helia'
import type { CID } from 'multiformats/cid'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { collectBytes } from '../core/bytes.ts'
import { exclusiveGate, type ExclusiveGate } from '../core/concurrency.ts'
import { createStorage, type Storage } from './index.ts'
import { startLocalRetention, type LocalRetention, type SweepOutcome } from './localRetention.ts'

const HOUR = 3600_000
const T0 = 1_800_000_000_000
const bytes = (fill: number, length = 3000): Uint8Array => new Uint8Array(length).fill(fill)

describe('local retention (a real Helia store)', () => {
  let helia: ReturnType<typeof createHeliaLight>
  let gate: ExclusiveGate
  let storage: Storage
  let retention: LocalRetention | undefined

  beforeEach(async () => {
    helia = createHeliaLight({ codecs: [dagCbor] })
    await helia.start()
    gate = exclusiveGate()
    // small chunks: every blob is a root and several leaves, as a delta or a version is
    storage = createStorage({ blocks: helia.blockstore, pins: helia.pins, gate, chunkSize: 1024 })
    // the clock pins are dated with, and the sweep's
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(T0)
  })
  afterEach(async () => {
    await retention?.stop()
    retention = undefined
    await helia.stop()
    vi.useRealTimers()
  })

  const start = (gc: () => Promise<void> = async () => { await helia.gc() }, onSweep?: (o: SweepOutcome) => void, delays = { firstDelayMs: HOUR, intervalMs: HOUR }): LocalRetention => {
    retention = startLocalRetention({ pins: helia.pins, gc, gate, ...(onSweep === undefined ? {} : { onSweep }) }, { keepMs: 6 * HOUR, ...delays })
    return retention
  }
  /** Whether every block of the blob under `root` is in the local store (never asks the network). */
  const held = async (root: CID): Promise<boolean> => {
    if (!await helia.blockstore.has(root)) return false
    const info = await storage.blobs.stat(root, { kind: 'delta' })
    const { chunks } = dagCbor.decode<{ chunks: CID[] }>(await collectBytes(helia.blockstore.get(root, { offline: true })))
    expect(chunks).toHaveLength(info.chunks)
    for (const chunk of chunks) if (!await helia.blockstore.has(chunk)) return false
    return true
  }

  it('releases pins older than the keep time and deletes every block no pin holds; a fresh pin keeps its blob', async () => {
    const old = await storage.blobs.put(bytes(1), { kind: 'delta', pin: true })
    const fetched = await storage.blobs.put(bytes(2), { kind: 'delta' })
    // a pin from before pins were dated
    const undated = await storage.blobs.put(bytes(3), { kind: 'delta' })
    for await (const _ of helia.pins.add(undated, { metadata: { kind: 'delta' } })) { /* walk */ }
    const republished = await storage.blobs.put(bytes(4), { kind: 'delta', pin: { kind: 'delta', taskId: '3' } })
    vi.setSystemTime(T0 + 2 * HOUR)
    const fresh = await storage.blobs.put(bytes(5), { kind: 'delta', pin: true })
    expect(await storage.blobs.put(bytes(4), { kind: 'delta', pin: true })).toEqual(republished)
    vi.setSystemTime(T0 + 7 * HOUR)
    for (const cid of [old, fetched, undated, fresh, republished]) expect(await held(cid)).toBe(true)

    expect(await start().sweep()).toBe(2)

    expect(await held(old)).toBe(false)
    expect(await held(fetched)).toBe(false)
    expect(await held(undated)).toBe(false)
    expect(await held(fresh)).toBe(true)
    expect(await helia.pins.isPinned(fresh)).toBe(true)
    expect(await storage.blobs.get(fresh, { kind: 'delta' })).toEqual(bytes(5))
    // published again at 2 h: dated anew, its first metadata kept
    expect(await held(republished)).toBe(true)
    expect((await helia.pins.get(republished)).metadata).toEqual({ kind: 'delta', taskId: '3', pinnedAt: T0 + 2 * HOUR })
  })

  it('a put that comes during a sweep waits for it, and its blob survives pinned', async () => {
    let gcStarted = (): void => {}
    const started = new Promise<void>((resolve) => { gcStarted = resolve })
    let finishGc = (): void => {}
    const gcMayFinish = new Promise<void>((resolve) => { finishGc = resolve })
    const sweeping = start(async () => { gcStarted(); await gcMayFinish; await helia.gc() }).sweep()
    await started
    let stored = false
    const put = storage.blobs.put(bytes(6), { kind: 'delta', pin: true }).then((cid) => { stored = true; return cid })
    const dataset = storage.storeDataset({ name: 'd', schema: { format: 'binary' }, shards: [{ bytes: bytes(7), records: 3 }], pinMetadata: { taskId: '0' } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(stored).toBe(false)
    finishGc()
    await sweeping
    const cid = await put
    expect(await held(cid)).toBe(true)
    expect(await helia.pins.isPinned(cid)).toBe(true)
    // the manifest is pinned too, not only its shards: the pinner fetches it from this node later
    expect(await helia.pins.isPinned((await dataset).cid)).toBe(true)
  })

  it('sweeps on its timer, tells each outcome, and stops', async () => {
    await storage.blobs.put(bytes(8), { kind: 'delta', pin: { kind: 'delta', pinnedAt: T0 - 7 * HOUR } })
    const outcomes: SweepOutcome[] = []
    let failing = false
    const r = start(async () => { if (failing) throw new Error('disk gone'); await helia.gc() }, (o) => { outcomes.push(o); failing = true }, { firstDelayMs: 1, intervalMs: 1 })
    await expect.poll(() => outcomes.length).toBeGreaterThanOrEqual(2)
    await r.stop()
    const seen = outcomes.length
    expect(outcomes[0]).toEqual({ released: 1 })
    expect((outcomes[1] as { error: Error }).error.message).toBe('disk gone')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(outcomes).toHaveLength(seen)
  })
})
