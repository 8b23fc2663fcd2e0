import * as dagCbor from '@ipld/dag-cbor'
import { createHeliaLight } from 'helia'
import type { CID } from 'multiformats/cid'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { collectBytes } from '../core/bytes.ts'
import { exclusiveGate, type ExclusiveGate } from '../core/concurrency.ts'
import { createStorage, type Storage } from './index.ts'
import { startLocalRetention, SWEEP_DELETE_BUDGET_MS, type LocalBlocks, type LocalRetention, type SweepOutcome } from './localRetention.ts'

const HOUR = 3600_000
const T0 = 1_800_000_000_000
const bytes = (fill: number, length = 3000): Uint8Array => new Uint8Array(length).fill(fill)

describe('local retention (a real Helia store)', () => {
  let helia: ReturnType<typeof createHeliaLight>
  let local: LocalBlocks
  let gate: ExclusiveGate
  let storage: Storage
  let retention: LocalRetention | undefined

  beforeEach(async () => {
    helia = createHeliaLight({ codecs: [dagCbor] })
    await helia.start()
    local = (helia.blockstore as unknown as { unwrap: () => LocalBlocks }).unwrap()
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

  const start = (blocks: LocalBlocks = local, onSweep?: (o: SweepOutcome) => void, delays = { firstDelayMs: HOUR, intervalMs: HOUR }): LocalRetention => {
    retention = startLocalRetention({ pins: helia.pins, blocks, gate, ...(onSweep === undefined ? {} : { onSweep }) }, { keepMs: 6 * HOUR, ...delays })
    return retention
  }
  /** Whether every block of the blob under `root` is in the local store (never asks the network). */
  const held = async (root: CID): Promise<boolean> => {
    if (!await helia.blockstore.has(root)) return false
    const { chunks } = dagCbor.decode<{ chunks: CID[] }>(await collectBytes(helia.blockstore.get(root, { offline: true })))
    for (const chunk of chunks) if (!await helia.blockstore.has(chunk)) return false
    return true
  }

  it('releases pins older than the keep time and deletes every block no pin reaches; a fresh pin keeps its blob', async () => {
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

    // 3 blobs of 3 blocks: a root, a full 1024-byte leaf (the two of one fill are one block) and the last leaf
    expect(await start().sweep()).toEqual({ released: 2, failed: 0, deleted: 9, more: false })

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

  it('keeps a block two pins share while either remains, however Helia counts the pins of shared blocks', async () => {
    // one chunk in common: the first 1024 bytes
    const shared = (tail: number): Uint8Array => { const b = bytes(9); b.fill(tail, 1024); return b }
    const first = await storage.blobs.put(shared(1), { kind: 'delta', pin: true })
    vi.setSystemTime(T0 + 5 * HOUR)
    const second = await storage.blobs.put(shared(2), { kind: 'delta', pin: true })
    vi.setSystemTime(T0 + 7 * HOUR)
    await start().sweep()
    expect(await held(first)).toBe(false)
    expect(await held(second)).toBe(true)
    // the first is published again, then the second grows old: Helia 7.1's pin counts now call the
    // shared block unpinned, which its own gc would delete
    expect(await storage.blobs.put(shared(1), { kind: 'delta', pin: true })).toEqual(first)
    vi.setSystemTime(T0 + 12 * HOUR)
    expect((await retention!.sweep()).released).toBe(1)
    expect(await held(first)).toBe(true)
    expect(await storage.blobs.get(first, { kind: 'delta' })).toEqual(shared(1))
  })

  it('pins a blob whose root another pin already reaches (a shard under a pinned manifest)', async () => {
    const shard = await storage.blobs.put(bytes(6), { kind: 'shard' })
    const manifest = { type: 'mlbridge/dataset/1' as const, name: 'd', schema: { format: 'binary' as const }, shards: [{ cid: shard, size: 3000, sha256: '00'.repeat(32), records: 1 }], totalSize: 3000, totalRecords: 1 }
    await storage.manifests.put(manifest, { pin: { taskId: '0' } })
    expect(await helia.pins.isPinned(shard)).toBe(true)
    expect(await storage.blobs.put(bytes(6), { kind: 'shard', pin: true })).toEqual(shard)
    expect((await helia.pins.get(shard)).metadata).toEqual({ kind: 'shard', pinnedAt: T0 })
  })

  it('a put that comes during a sweep waits for it, and its blob survives pinned', async () => {
    let listing = (): void => {}
    const started = new Promise<void>((resolve) => { listing = resolve })
    let finish = (): void => {}
    const mayFinish = new Promise<void>((resolve) => { finish = resolve })
    const slow: LocalBlocks = {
      ...local,
      get: (cid, options) => local.get(cid, options),
      delete: async (cid) => { await local.delete(cid) },
      getAll: async function * () { listing(); await mayFinish; yield * local.getAll() }
    }
    const sweeping = start(slow).sweep()
    await started
    let stored = false
    const put = storage.blobs.put(bytes(7), { kind: 'delta', pin: true }).then((cid) => { stored = true; return cid })
    const dataset = storage.storeDataset({ name: 'd', schema: { format: 'binary' }, shards: [{ bytes: bytes(8), records: 3 }], pinMetadata: { taskId: '0' } })
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(stored).toBe(false)
    finish()
    await sweeping
    const cid = await put
    expect(await held(cid)).toBe(true)
    expect(await helia.pins.isPinned(cid)).toBe(true)
    // the manifest is pinned too, not only its shards: the pinner fetches it from this node later
    const { cid: manifest } = await dataset
    expect((await helia.pins.get(manifest)).metadata).toMatchObject({ taskId: '0' })
  })

  it('stops deleting when its budget is spent, holding the gate no longer, and says more is left', async () => {
    for (const fill of [11, 12, 13]) await storage.blobs.put(bytes(fill), { kind: 'delta' })
    const slow: LocalBlocks = { ...local, get: (cid, o) => local.get(cid, o), getAll: () => local.getAll(), delete: async (cid) => { await new Promise((resolve) => setTimeout(resolve, SWEEP_DELETE_BUDGET_MS / 4)); await local.delete(cid) } }
    const first = await start(slow).sweep()
    expect(first).toMatchObject({ more: true })
    expect(first.deleted).toBeLessThan(9)
    const second = await retention!.sweep()
    expect(first.deleted + second.deleted).toBeLessThanOrEqual(9)
  }, 20_000)

  it('sweeps on its timer, tells each outcome, and stops', async () => {
    vi.setSystemTime(T0 - 7 * HOUR)
    await storage.blobs.put(bytes(10), { kind: 'delta', pin: true })
    vi.setSystemTime(T0)
    const outcomes: SweepOutcome[] = []
    let failing = false
    const flaky: LocalBlocks = { ...local, get: (cid, o) => local.get(cid, o), delete: async (cid) => { await local.delete(cid) }, getAll: () => { if (failing) throw new Error('disk gone'); return local.getAll() } }
    const r = start(flaky, (o) => { outcomes.push(o); failing = true }, { firstDelayMs: 1, intervalMs: 1 })
    await expect.poll(() => outcomes.length).toBeGreaterThanOrEqual(2)
    await r.stop()
    const seen = outcomes.length
    expect(outcomes[0]).toEqual({ released: 1, failed: 0, deleted: 3, more: false })
    expect((outcomes[1] as { error: Error }).error.message).toBe('disk gone')
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(outcomes).toHaveLength(seen)
  })
})
