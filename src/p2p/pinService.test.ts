/**
 * The pinner as an outside peer meets it: a real relay (libp2p + Helia on disk) and real client
 * nodes over loopback WebSockets, each attack sent the way a hostile peer would send it.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as dagCbor from '@ipld/dag-cbor'
import { multiaddr, type Multiaddr } from '@multiformats/multiaddr'
import { CID } from 'multiformats/cid'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../node/relay.ts'
import { anyWallet, authorizeSession, type MessageSigner } from '../core/messages/index.ts'
import { BLOB_ROOT_TAG, MANIFEST_TAG, parseBlobRoot, type BlobRoot, type DatasetManifest } from '../storage/index.ts'
import { cborCid, rawCid } from '../storage/cid.ts'
import { byteMeter, type ByteMeter } from './byteMeter.ts'
import { createBrowserNode, type BrowserNode } from './createBrowserNode.ts'
import { PinRefusedError, requestPin, type PinAuthorization } from './pinService.ts'

const CHAIN = 31337
const TASK = '5'
const MiB = 1024 * 1024

async function signerFor (node: BrowserNode): Promise<MessageSigner> {
  return (await authorizeSession({ wallet: privateKeyToAccount(generatePrivateKey()), peerId: node.peerId, chainId: CHAIN })).signer
}

/** A root of two chunks, of which `sender` holds (and so serves) the first and withholds the second. */
async function partialBlob (sender: BrowserNode, seed: number): Promise<{ root: CID, served: CID, withheld: { cid: CID, bytes: Uint8Array } }> {
  const [a, b] = [new Uint8Array(64 * 1024).fill(seed), new Uint8Array(1024).fill(seed + 1)]
  const [served, withheld] = [await rawCid(a), await rawCid(b)]
  await sender.helia.blockstore.put(served, a)
  const root = dagCbor.encode({ type: BLOB_ROOT_TAG, kind: 'delta', size: a.length + b.length, chunkSize: a.length, chunks: [served, withheld] } satisfies BlobRoot)
  const rootCid = await cborCid(root)
  await sender.helia.blockstore.put(rootCid, root)
  return { root: rootCid, served, withheld: { cid: withheld, bytes: b } }
}

async function refusal (promise: Promise<unknown>): Promise<PinRefusedError> {
  const err = await promise.then(() => null, (e: unknown) => e)
  expect(err).toBeInstanceOf(PinRefusedError)
  return err as PinRefusedError
}

describe('pinner under attack', () => {
  let dataDir: string
  let relay: Relay
  const nodes: BrowserNode[] = []
  const logged: string[] = []

  const pinner = (): Multiaddr[] => relay.multiaddrs.map(m => multiaddr(m))
  const client = async (meter?: ByteMeter): Promise<BrowserNode> => {
    const node = await createBrowserNode({ relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory', webRTC: false, chainId: CHAIN, membership: anyWallet, ...(meter === undefined ? {} : { meter }) })
    nodes.push(node)
    return node
  }

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-pinner-'))
    relay = await startRelay({
      port: 0,
      dataDir,
      chainId: CHAIN,
      pinning: { maxConcurrent: 4, quotaBytes: MiB, preTaskBudgetBytes: MiB },
      log: { level: 'info', write: (line) => { logged.push(line) } }
    })
  })

  afterAll(async () => {
    await Promise.allSettled(nodes.map(async n => await n.stop()))
    await relay?.stop()
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  })

  it('attack (oversized DAG): roots that declare 48 bytes but link 48 MiB are refused as too-large and nothing stays pinned or stored', async () => {
    const attacker = await client()
    // 16 shard roots, each declaring a 3-byte payload whose one chunk is a 3 MiB leaf
    const leaves: CID[] = []
    const shards: DatasetManifest['shards'] = []
    for (let i = 0; i < 16; i++) {
      const leaf = new Uint8Array(3 * MiB).fill(i + 1)
      const leafCid = await rawCid(leaf)
      await attacker.helia.blockstore.put(leafCid, leaf)
      leaves.push(leafCid)
      const root = dagCbor.encode({ type: BLOB_ROOT_TAG, kind: 'shard', size: 3, chunkSize: 3, chunks: [leafCid] } satisfies BlobRoot)
      const rootCid = await cborCid(root)
      await attacker.helia.blockstore.put(rootCid, root)
      shards.push({ cid: rootCid, size: 3, sha256: '0'.repeat(64), records: 1 })
    }
    const manifest = dagCbor.encode({ type: MANIFEST_TAG, name: 'tiny', schema: { format: 'binary' }, shards, totalSize: 48, totalRecords: 16 } satisfies DatasetManifest)
    const cid = await cborCid(manifest)
    await attacker.helia.blockstore.put(cid, manifest)

    const err = await refusal(requestPin(attacker.libp2p, pinner(), await signerFor(attacker), { taskId: TASK, kind: 'manifest', cid }))
    expect(err.code).toBe('too-large')
    expect(err.message).toMatch(/declare/)
    expect(await relay.helia.pins.isPinned(cid)).toBe(false)
    for (const leaf of leaves) expect(await relay.helia.blockstore.has(leaf)).toBe(false)
    expect(relay.pinning.metrics().refusals['too-large']).toBe(1)
    const line = JSON.parse(logged.find(l => l.includes('too-large')) ?? '{}') as Record<string, unknown>
    expect(line).toMatchObject({ level: 'warn', peer: attacker.peerId, taskId: TASK, cid: cid.toString(), code: 'too-large' })
    expect(line.reason).toMatch(/declare/)
  }, 120_000)

  it('attack (stalled requests): requests for content that never arrives hold no slot an honest upload needs, and end as not-found', async () => {
    // a pinner of its own, quick to give up, so the test need not wait out the default 30 s
    const impatient = await startRelay({ port: 0, dataDir: join(dataDir, 'impatient'), chainId: CHAIN, pinning: { maxConcurrent: 4, stallTimeoutMs: 1500 }, log: { write: () => {} } })
    const pinner = (): Multiaddr[] => impatient.multiaddrs.map(m => multiaddr(m))
    const [sybilA, sybilB, honest] = [await client(), await client(), await client()]
    // one wallet behind two peer IDs, asking for blocks nobody has
    const wallet = privateKeyToAccount(generatePrivateKey())
    const signerOf = async (node: BrowserNode): Promise<MessageSigner> => (await authorizeSession({ wallet, peerId: node.peerId, chainId: CHAIN })).signer
    const missing = await Promise.all([1, 2, 3, 4].map(async i => await cborCid(dagCbor.encode({ nothing: i }))))
    const started = Date.now()
    const stalled = missing.map(async (cid, i) => {
      const node = i < 2 ? sybilA : sybilB
      return await requestPin(node.libp2p, pinner(), await signerOf(node), { taskId: TASK, kind: 'delta', cid }).then(() => null, (e: unknown) => e)
    })
    // the pinner has answered all four: two hold (or held, once stalled) the wallet's share, two were refused
    await expect.poll(() => { const m = impatient.pinning.metrics(); return m.refusals.busy === 2 && m.active + m.refusals['not-found'] === 2 }, { interval: 10, timeout: 10_000 }).toBe(true)

    const bytes = new Uint8Array(100_000).fill(9)
    const cid = await honest.storage.blobs.put(bytes, { kind: 'delta' })
    const receipt = await requestPin(honest.libp2p, pinner(), await signerFor(honest), { taskId: TASK, kind: 'delta', cid })
    expect(receipt.size).toBe(bytes.length)

    // the wallet got at most its share of slots, and what it held was let go once it stalled
    const outcomes = await Promise.all(stalled)
    expect(Date.now() - started).toBeLessThan(10_000)
    const codes = outcomes.map(e => (e as PinRefusedError).code).sort()
    expect(codes).toEqual(['busy', 'busy', 'not-found', 'not-found'])
    expect((outcomes.find(e => (e as PinRefusedError).code === 'busy') as Error).message).toMatch(/wallet .* already has 2 pins in progress/)
    expect((outcomes.find(e => (e as PinRefusedError).code === 'not-found') as Error).message).toMatch(/no new block for 1500 ms/)
    expect(impatient.pinning.metrics()).toMatchObject({ pins: 1, active: 0, refusals: { busy: 2, 'not-found': 2 } })
    await impatient.stop()
  }, 60_000)

  it('attack (blocks left behind): what a fetch that stalled brought in is deleted once no fetch asked for it for a while, unless a later pin took it', async () => {
    const sweeping = await startRelay({ port: 0, dataDir: join(dataDir, 'sweeping'), chainId: CHAIN, pinning: { stallTimeoutMs: 1000, timeoutMs: 2000, leftoverMs: 3000 }, log: { write: () => {} } })
    const pinner = (): Multiaddr[] => sweeping.multiaddrs.map(m => multiaddr(m))
    const attacker = await client()
    const signer = await signerFor(attacker)
    const stays = await partialBlob(attacker, 20)
    const goes = await partialBlob(attacker, 40)
    for (const { root } of [stays, goes]) {
      expect((await refusal(requestPin(attacker.libp2p, pinner(), signer, { taskId: TASK, kind: 'delta', cid: root }))).code).toBe('not-found')
    }
    for (const cid of [stays.root, stays.served, goes.root, goes.served]) expect(await sweeping.helia.blockstore.has(cid)).toBe(true)
    // one of them is retried with its last chunk, within the wait, and pinned
    await attacker.helia.blockstore.put(stays.withheld.cid, stays.withheld.bytes)
    await requestPin(attacker.libp2p, pinner(), signer, { taskId: TASK, kind: 'delta', cid: stays.root })
    // the pinner's own sweep may have run by then; one more changes nothing
    await new Promise(resolve => setTimeout(resolve, 3500))
    await sweeping.pinning.sweepLeftovers()
    for (const cid of [goes.root, goes.served]) expect(await sweeping.helia.blockstore.has(cid)).toBe(false)
    for (const cid of [stays.root, stays.served]) expect(await sweeping.helia.blockstore.has(cid)).toBe(true)
    expect(await sweeping.helia.pins.isPinned(stays.root)).toBe(true)
    await sweeping.stop()
  }, 60_000)

  it('attack (blocks left behind, then a restart): what fetches that failed before the pinner restarted is deleted all the same, but no pinned block, nor one a pin after the restart took', async () => {
    const options = { port: 0, dataDir: join(dataDir, 'restarting'), chainId: CHAIN, pinning: { stallTimeoutMs: 1000, timeoutMs: 2000, leftoverMs: 3000 } }
    const at = (r: Relay): Multiaddr[] => r.multiaddrs.map(m => multiaddr(m))
    const before = await startRelay({ ...options, log: { write: () => {} } })
    const attacker = await client()
    const signer = await signerFor(attacker)
    const goes = await partialBlob(attacker, 60)
    const retried = await partialBlob(attacker, 80)
    for (const { root } of [goes, retried]) {
      expect((await refusal(requestPin(attacker.libp2p, at(before), signer, { taskId: TASK, kind: 'delta', cid: root }))).code).toBe('not-found')
    }
    const kept = await attacker.storage.blobs.put(new Uint8Array(50_000).fill(90), { kind: 'delta' })
    await requestPin(attacker.libp2p, at(before), signer, { taskId: TASK, kind: 'delta', cid: kept })
    // Two pins share a chunk; one is released and pinned again, then the other is released: Helia
    // 7.1's pin counts may now call the shared chunk unpinned, though the first pin reaches it.
    const sharing = (tail: number): Uint8Array => { const b = new Uint8Array(MiB + 1000).fill(92); b.fill(tail, MiB); return b }
    const [first, second] = [await attacker.storage.blobs.put(sharing(1), { kind: 'delta' }), await attacker.storage.blobs.put(sharing(2), { kind: 'delta' })]
    await requestPin(attacker.libp2p, at(before), signer, { taskId: '61', kind: 'delta', cid: first })
    await requestPin(attacker.libp2p, at(before), signer, { taskId: '62', kind: 'delta', cid: second })
    await before.pinning.release('61')
    await requestPin(attacker.libp2p, at(before), signer, { taskId: '61', kind: 'delta', cid: first })
    await before.pinning.release('62')
    // stopped well within leftoverMs: the sweep of the first instance deleted nothing
    await before.stop()

    const lines: string[] = []
    const after = await startRelay({ ...options, log: { level: 'info', write: (line) => { lines.push(line) } } })
    const restartedAt = Date.now()
    const found = (): Record<string, unknown> | undefined => lines.map(l => JSON.parse(l) as Record<string, unknown>).find(l => l.event === 'leftovers-found')
    for (let waited = 0; found() === undefined && waited < 2000; waited += 50) await new Promise(resolve => setTimeout(resolve, 50))
    for (const cid of [goes.root, goes.served, retried.root, retried.served]) expect(await after.helia.blockstore.has(cid)).toBe(true)
    // a retry after the restart finds what the failed fetch brought in, and its pin keeps it
    await attacker.helia.blockstore.put(retried.withheld.cid, retried.withheld.bytes)
    await requestPin(attacker.libp2p, at(after), signer, { taskId: TASK, kind: 'delta', cid: retried.root })
    const fresh = await attacker.storage.blobs.put(new Uint8Array(50_000).fill(91), { kind: 'delta' })
    await requestPin(attacker.libp2p, at(after), signer, { taskId: TASK, kind: 'delta', cid: fresh })
    await new Promise(resolve => setTimeout(resolve, restartedAt + 3500 - Date.now()))
    await after.pinning.sweepLeftovers()
    for (const cid of [goes.root, goes.served]) expect(await after.helia.blockstore.has(cid)).toBe(false)
    for (const cid of [retried.root, retried.served, retried.withheld.cid, kept, fresh]) {
      expect(await after.helia.blockstore.has(cid)).toBe(true)
      expect(await after.helia.pins.isPinned(cid)).toBe(true)
    }
    // the first pin's blocks all stay, the one it shares with the released pin too
    const shared = await rawCid(new Uint8Array(MiB).fill(92))
    for (const cid of [first, shared]) expect(await after.helia.blockstore.has(cid)).toBe(true)
    // the two failed fetches' roots and first chunks, and the released pin's root and own chunk
    expect(found()).toMatchObject({ level: 'info', component: 'pinner', blocks: 6 })
    await after.stop()
  }, 60_000)

  it('attack (quota): a wallet cannot fill the pinner for one task beyond its quota, and the refusal says so', async () => {
    const greedy = await client()
    const signer = await signerFor(greedy)
    const first = await greedy.storage.blobs.put(new Uint8Array(600 * 1024).fill(1), { kind: 'delta' })
    const second = await greedy.storage.blobs.put(new Uint8Array(600 * 1024).fill(2), { kind: 'delta' })
    expect((await requestPin(greedy.libp2p, pinner(), signer, { taskId: TASK, kind: 'delta', cid: first })).size).toBe(600 * 1024)
    const err = await refusal(requestPin(greedy.libp2p, pinner(), signer, { taskId: TASK, kind: 'delta', cid: second }))
    expect(err.code).toBe('over-quota')
    expect(err.message).toMatch(/has 614400 bytes pinned or being pinned for task 5; 614400 more would pass its quota of 1048576 bytes/)
    expect(await relay.helia.pins.isPinned(second)).toBe(false)
    // the quota is per task: the same wallet may pin for another task
    expect((await requestPin(greedy.libp2p, pinner(), signer, { taskId: '6', kind: 'delta', cid: second })).size).toBe(600 * 1024)
  }, 30_000)

  it('attack (quota, concurrent): a wallet cannot pass its quota by running two pins at once', async () => {
    const greedy = await client()
    const signer = await signerFor(greedy)
    // each fits the 1 MiB quota alone, not both: the second admitted must see the first's bytes
    const cids = [await greedy.storage.blobs.put(new Uint8Array(600 * 1024).fill(3), { kind: 'delta' }), await greedy.storage.blobs.put(new Uint8Array(600 * 1024).fill(4), { kind: 'delta' })]
    const outcomes = await Promise.all(cids.map(async (cid) => await requestPin(greedy.libp2p, pinner(), signer, { taskId: '12', kind: 'delta', cid }).then((r) => r.size, (e: unknown) => e)))
    const refused = outcomes.filter((o): o is PinRefusedError => o instanceof PinRefusedError)
    expect(outcomes.filter((o) => o === 600 * 1024)).toHaveLength(1)
    expect(refused.map((e) => e.code)).toEqual(['over-quota'])
    expect(refused[0]?.message).toMatch(/has 614400 bytes pinned or being pinned for task 12; 614400 more would pass its quota of 1048576 bytes/)
    // the refused pin's reservation was given back: the quota holds exactly the pinned bytes
    const small = await greedy.storage.blobs.put(new Uint8Array(400 * 1024).fill(5), { kind: 'delta' })
    expect((await requestPin(greedy.libp2p, pinner(), signer, { taskId: '12', kind: 'delta', cid: small })).size).toBe(400 * 1024)
  }, 30_000)

  it('attack (task 0\'s open door): requests anyone can make for task 0, for blocks the requester does not hold, end at once as not-found and hold no slot a member\'s upload needs', async () => {
    // slow to give up, so requests asked of any peer would hold their slots past this test's end
    const held = await startRelay({ port: 0, dataDir: join(dataDir, 'held'), chainId: CHAIN, pinning: { maxConcurrent: 4, stallTimeoutMs: 60_000 }, log: { write: () => {} } })
    const pinner = (): Multiaddr[] => held.multiaddrs.map(m => multiaddr(m))
    const [sybilA, sybilB, member] = [await client(), await client(), await client()]
    // two fresh wallets (free to make), each with its full share of two requests for blocks nobody has
    const missing = await Promise.all([1, 2, 3, 4].map(async i => await cborCid(dagCbor.encode({ absent: i }))))
    const signers = [await signerFor(sybilA), await signerFor(sybilB)]
    const outcomes = await Promise.all(missing.map(async (cid, i) => {
      const [node, signer] = i < 2 ? [sybilA, signers[0]!] : [sybilB, signers[1]!]
      return await refusal(requestPin(node.libp2p, pinner(), signer, { taskId: '0', kind: 'spec', cid }))
    }))
    // at most half the slots were theirs (busy past that), and each they took ended as soon as its requester said it lacked the block
    for (const e of outcomes) expect(['busy', 'not-found']).toContain(e.code)
    for (const e of outcomes.filter(e => e.code === 'not-found')) expect(e.message).toMatch(/the requester did not send .*: a pin for task 0 is fetched from its requester alone/)
    expect(held.pinning.metrics().active).toBe(0)

    const bytes = new Uint8Array(50_000).fill(7)
    const cid = await member.storage.blobs.put(bytes, { kind: 'delta' })
    expect((await requestPin(member.libp2p, pinner(), await signerFor(member), { taskId: TASK, kind: 'delta', cid })).size).toBe(bytes.length)
    await held.stop()
  }, 30_000)

  it('attack (claimed task): a request for a task its wallet may not pin for holds no fetch slot while it is authorized', async () => {
    // an authorizer as slow as a loaded RPC endpoint, refusing all but one wallet
    const member = await client()
    const memberSigner = await signerFor(member)
    const authorize = async (req: { from: string }): Promise<PinAuthorization> => {
      if (req.from === memberSigner.wallet.toLowerCase()) return { allowed: true }
      await new Promise(resolve => setTimeout(resolve, 6000))
      return { allowed: false, reason: 'not a member' }
    }
    const slow = await startRelay({ port: 0, dataDir: join(dataDir, 'slow'), chainId: CHAIN, pinning: { maxConcurrent: 2, maxAuthorizing: 3, authorize }, log: { write: () => {} } })
    const pinner = (): Multiaddr[] => slow.multiaddrs.map(m => multiaddr(m))
    // two fresh wallets claim a task they have nothing to do with: not the open task 0
    const strangers = [await client(), await client()]
    const claims = strangers.map(async (node, i) => await refusal(requestPin(node.libp2p, pinner(), await signerFor(node), { taskId: '12', kind: 'delta', cid: await cborCid(dagCbor.encode({ claim: i })) })))
    await new Promise(resolve => setTimeout(resolve, 500))
    const bytes = new Uint8Array(20_000).fill(3)
    const cid = await member.storage.blobs.put(bytes, { kind: 'delta' })
    expect((await requestPin(member.libp2p, pinner(), memberSigner, { taskId: TASK, kind: 'delta', cid })).size).toBe(bytes.length)
    // what bounds the chain reads instead: past maxAuthorizing requests being authorized, the next is refused at once
    const late = [await client(), await client()]
    const more = late.map(async (node, i) => await refusal(requestPin(node.libp2p, pinner(), await signerFor(node), { taskId: '12', kind: 'delta', cid: await cborCid(dagCbor.encode({ late: i })) })))
    expect((await Promise.all(more)).map(e => e.code).sort()).toEqual(['busy', 'unauthorized'])
    expect((await Promise.all(more)).find(e => e.code === 'busy')!.message).toMatch(/3 requests are being authorized/)
    expect((await Promise.all(claims)).map(e => e.code)).toEqual(['unauthorized', 'unauthorized'])
    await slow.stop()
  }, 60_000)

  it('completes a pin whose walk was cut short (its blocks marked, no pin written) when it is asked for again', async () => {
    const member = await client()
    const bytes = new Uint8Array(3 * 256 * 1024).fill(23)
    const cid = await member.storage.blobs.put(bytes, { kind: 'delta' })
    // what a stall, a timeout or a shutdown in the middle of Helia's pins.add leaves behind
    const bytesOf = async (block: CID): Promise<Uint8Array> => {
      const parts: Uint8Array[] = []
      for await (const part of member.helia.blockstore.get(block)) parts.push(part)
      return new Uint8Array(Buffer.concat(parts))
    }
    const root = await bytesOf(cid)
    for (const block of [cid, ...parseBlobRoot(cid, root).chunks]) await relay.helia.blockstore.put(block, await bytesOf(block))
    const cut = new AbortController()
    await (async () => { for await (const _ of relay.helia.pins.add(cid, { signal: cut.signal })) cut.abort() })().catch(() => {})
    expect(await relay.helia.pins.isPinned(cid)).toBe(true)
    await expect(relay.helia.pins.get(cid)).rejects.toMatchObject({ name: 'NotFoundError' })

    expect((await requestPin(member.libp2p, pinner(), await signerFor(member), { taskId: TASK, kind: 'delta', cid })).size).toBe(bytes.length)
    expect((await relay.helia.pins.get(cid)).metadata).toMatchObject({ taskId: TASK, size: bytes.length })
  }, 60_000)

  it('attack (pre-task budget): fresh wallets together cannot pin more than task 0\'s budget, and what a task adopts stops counting against it', async () => {
    // every wallet stays within its own 1 MiB quota; together they would pass the 1 MiB budget
    const wallets = [await client(), await client(), await client()]
    const cids = await Promise.all(wallets.map(async (w, i) => await w.storage.blobs.put(new Uint8Array(400 * 1024).fill(20 + i), { kind: 'spec' })))
    for (const i of [0, 1]) expect((await requestPin(wallets[i]!.libp2p, pinner(), await signerFor(wallets[i]!), { taskId: '0', kind: 'spec', cid: cids[i]! })).size).toBe(400 * 1024)
    const late = await signerFor(wallets[2]!)
    const err = await refusal(requestPin(wallets[2]!.libp2p, pinner(), late, { taskId: '0', kind: 'spec', cid: cids[2]! }))
    expect(err.code).toBe('over-quota')
    expect(err.message).toMatch(/task 0 has 819200 bytes pinned or being pinned by all wallets; 409600 more would pass its budget of 1048576 bytes/)
    expect(await relay.helia.pins.isPinned(cids[2]!)).toBe(false)
    // the budget is per task: the same wallet may pin for another task
    expect((await requestPin(wallets[2]!.libp2p, pinner(), late, { taskId: '13', kind: 'spec', cid: cids[2]! })).size).toBe(400 * 1024)

    // task 11 names the first spec: adopted and let go by task 0, it stays pinned under task 11 alone
    expect(await relay.pinning.adopt('11', [cids[0]!])).toBe(1)
    expect(await relay.pinning.release('0', { cids: [cids[0]!] })).toBe(1)
    expect(await relay.helia.pins.isPinned(cids[0]!)).toBe(true)
    expect((await relay.helia.pins.get(cids[0]!)).metadata).toMatchObject({ taskId: '11', size: 400 * 1024 })
    // released once: a second release of the same CID finds no hold and frees nothing more
    expect(await relay.pinning.release('0', { cids: [cids[0]!] })).toBe(0)
    const another = await wallets[2]!.storage.blobs.put(new Uint8Array(400 * 1024).fill(30), { kind: 'spec' })
    expect((await requestPin(wallets[2]!.libp2p, pinner(), late, { taskId: '0', kind: 'spec', cid: another })).size).toBe(400 * 1024)
    // 800 KiB under task 0 again: exact, so one more byte than the budget's rest is still refused
    const over = await wallets[0]!.storage.blobs.put(new Uint8Array(224 * 1024 + 1).fill(31), { kind: 'spec' })
    const overErr = await refusal(requestPin(wallets[0]!.libp2p, pinner(), await signerFor(wallets[0]!), { taskId: '0', kind: 'spec', cid: over }))
    expect(overErr.code).toBe('over-quota')
    expect(overErr.message).toMatch(/task 0 has 819200 bytes .* its budget of 1048576 bytes/)
  }, 60_000)

  it('pins content that several peers ask for at once (every replica of a round stores the same version): each gets its answer, none an error, and its bytes cross the network once', async () => {
    const meters = [byteMeter(), byteMeter(), byteMeter()]
    const peers = await Promise.all(meters.map(async (m) => await client(m)))
    const bytes = new Uint8Array(200 * 1024).fill(7)
    const cids = await Promise.all(peers.map(async (p) => await p.storage.blobs.put(bytes, { kind: 'model' })))
    expect(new Set(cids.map(String)).size).toBe(1)
    const answers = await Promise.all(peers.map(async (p, i) => await requestPin(p.libp2p, pinner(), await signerFor(p), { taskId: '7', kind: 'model', cid: cids[i]! })))
    expect(answers.map((a) => a.size)).toEqual([bytes.length, bytes.length, bytes.length])
    expect(await relay.helia.pins.isPinned(cids[0]!)).toBe(true)
    // The pinner fetches from the peer whose request it serves, not from every peer holding the blocks.
    const sent = meters.reduce((n, m) => n + m.bytes.sent, 0)
    expect(sent).toBeGreaterThanOrEqual(bytes.length)
    expect(sent).toBeLessThan(1.5 * bytes.length)
  }, 30_000)

  it('keeps a block its operator publishes (a referee\'s evidence) under the task: any peer fetches it by CID, and it goes with the task\'s pins', async () => {
    const report = new TextEncoder().encode('{"type":"mlbridge/referee-verdict/1","taskId":"9"}')
    const cid = await relay.pinning.keep('9', report, { kind: 'evidence', by: '0x00000000000000000000000000000000000000aa' })
    expect(cid.equals(await rawCid(report))).toBe(true)
    expect((await relay.helia.pins.get(cid)).metadata).toMatchObject({ taskId: '9', kind: 'evidence', size: report.length })
    // Kept twice (the same verdict retried) is one pin; another task naming it becomes a holder.
    expect((await relay.pinning.keep('9', report, { kind: 'evidence', by: '0xaa' })).equals(cid)).toBe(true)
    await relay.pinning.keep('10', report, { kind: 'evidence', by: '0xaa' })
    const reader = await client()
    await reader.libp2p.dial(pinner())
    const chunks: Uint8Array[] = []
    for await (const chunk of reader.helia.blockstore.get(cid, { signal: AbortSignal.timeout(10_000) })) chunks.push(chunk)
    expect(Buffer.compare(Buffer.concat(chunks), report)).toBe(0)
    await expect(relay.pinning.keep('9', new Uint8Array(MiB + 1), { kind: 'evidence', by: '0xaa' })).rejects.toThrow(/at most 1048576 bytes, got 1048577/)
    expect(await relay.pinning.release('9')).toBe(1)
    expect(await relay.helia.pins.isPinned(cid)).toBe(true)
    expect(await relay.pinning.release('10')).toBe(1)
    expect(await relay.helia.pins.isPinned(cid)).toBe(false)
  }, 30_000)
})
