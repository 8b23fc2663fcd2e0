import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRelay, type Relay } from '../../node/relay.ts'
import { waitFor } from '../../node/testing/waitFor.ts'
import { anyWallet, authorizeSession, encodeTaskMessage, taskTopic, verifyPinReceipt, type AnyTaskMessage, type MessageSigner } from '../core/messages/index.ts'
import { createBrowserNode, type BrowserNode } from './createBrowserNode.ts'
import { BlobTooLargeError } from '../storage/index.ts'
import { BlobUnavailableError, fetchBlob } from './blobStream.ts'
import { PinRefusedError, requestPin } from './pinService.ts'
import type { TaskChannel, TaskPeer } from './taskChannel.ts'
import { groupTaskPeers, type JoinedTask } from './taskPeers.ts'
import type { RejectedMessage } from './topicGuard.ts'

// Node peers built by the browser factory (WebRTC from node-datachannel), around a real relay.

const CHAIN = 31337
const TASK = '11'

describe('task topics, discovery and pinning', () => {
  let dataDir: string
  let relay: Relay
  let a: BrowserNode
  let b: BrowserNode
  let signerA: MessageSigner
  let signerB: MessageSigner
  let chanA: TaskChannel
  let chanB: TaskChannel
  const seenByA: AnyTaskMessage[] = []
  const rejectedByA: RejectedMessage[] = []
  const rejectedByRelay: RejectedMessage[] = []
  let peersOfA: TaskPeer[] = []

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-tasks-'))
    relay = await startRelay({ port: 0, dataDir, chainId: CHAIN })
    const config = { relayMultiaddrs: relay.multiaddrs, allowLoopback: true, storage: 'memory' as const, rtcBindAddress: '127.0.0.1', chainId: CHAIN, membership: anyWallet }
    a = await createBrowserNode(config)
    b = await createBrowserNode(config)
    signerA = (await authorizeSession({ wallet: privateKeyToAccount(generatePrivateKey()), peerId: a.peerId, chainId: CHAIN })).signer
    signerB = (await authorizeSession({ wallet: privateKeyToAccount(generatePrivateKey()), peerId: b.peerId, chainId: CHAIN })).signer
    a.guard.on('rejected', r => rejectedByA.push(r))
    relay.guard.on('rejected', r => rejectedByRelay.push(r))
    // wait for the reservations, else presence carries no dialable address
    await waitFor('reservations', () => [a, b].every(n => n.libp2p.getMultiaddrs().some(ma => ma.toString().includes('/webrtc'))))
  })

  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()])
    await relay?.stop()
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  })

  it('finds the other provider of the task through presence and connects to it directly', async () => {
    const presence = { backend: 'node' as const, throughput: 50 }
    const tasksOfA: JoinedTask[][] = []
    const offTasks = a.watchTasks(t => tasksOfA.push(t))
    expect(tasksOfA).toEqual([[]])
    chanA = a.joinTask({ taskId: TASK, signer: signerA, presence: () => presence, announceIntervalMs: 500 })
    chanB = b.joinTask({ taskId: TASK, signer: signerB, presence: () => presence, announceIntervalMs: 500 })
    chanA.on('message', m => seenByA.push(m))
    chanA.on('peers', p => { peersOfA = p })
    await waitFor('direct task peer', () => peersOfA.some(p => p.peerId === b.peerId && p.connection === 'direct'))
    expect(peersOfA.find(p => p.peerId === b.peerId)).toMatchObject({ wallet: signerB.wallet, backend: 'node', throughput: 50 })
    expect(a.libp2p.getConnections(b.libp2p.peerId).some(c => c.limits == null)).toBe(true)
    // the node reported the join at once, then the peer as it became a direct one
    expect(tasksOfA[1]).toEqual([{ taskId: TASK, peers: [] }])
    const connectionOfB = (tasks: JoinedTask[] | undefined): string | undefined =>
      groupTaskPeers(tasks ?? []).find(g => g.taskId === TASK)?.peers.find(p => p.peerId === b.peerId)?.connection
    await waitFor('tasks:change with the direct peer', () => connectionOfB(tasksOfA.at(-1)) === 'direct')
    expect(a.tasks()).toEqual([chanA])
    offTasks()
    // presence, then a WebRTC dial through the relay: on a loaded 2-core CI machine more than vitest's default 5 s
  }, 30_000)

  it('reports joining and leaving a task as a tasks:change', async () => {
    const changes: string[][] = []
    const off = a.events.on('tasks:change', t => changes.push(t.map(j => j.taskId)))
    const other = a.joinTask({ taskId: '12', signer: signerA })
    expect(changes.at(-1)).toEqual([TASK, '12'])
    other.leave()
    other.leave()
    off()
    expect(changes.at(-1)).toEqual([TASK])
    expect(changes.filter(c => c.length === 1)).toHaveLength(1)
    expect(a.tasks()).toEqual([chanA])
  })

  it('delivers signed round events and never hands invalid ones to the application', async () => {
    const pubsubB = b.libp2p.services.pubsub
    const topic = taskTopic(TASK, 'rounds')
    // in b's mesh, not just subscribed: the garbage below reaches a only if b sends it straight
    // to a (the relay's validator drops it), and b may publish to its mesh peers only
    const meshOfB = pubsubB as unknown as { getMeshPeers: (topic: string) => string[] }
    await waitFor('mesh', () => meshOfB.getMeshPeers(topic).includes(a.peerId))
    // garbage, then a message signed by a wallet for another peer, then a good one
    await pubsubB.publish(topic, new TextEncoder().encode('{"not":"a task message"}'))
    const forged = await encodeTaskMessage({ ...signerA, peerId: a.peerId }, TASK, 'rounds', { type: 'round', taskId: TASK, round: 9, phase: 'open' })
    await pubsubB.publish(topic, forged)
    await chanB.publish('rounds', { round: 1, phase: 'commit' })
    await waitFor('round event', () => seenByA.some(m => m.kind === 'rounds'))
    const rounds = seenByA.filter(m => m.kind === 'rounds')
    expect(rounds).toHaveLength(1)
    expect(rounds[0]).toMatchObject({ from: signerB.wallet, peerId: b.peerId, body: { round: 1, phase: 'commit' } })
    await waitFor('rejections', () => rejectedByA.length >= 2)
    expect(rejectedByA.map(r => r.reason)).toEqual([expect.stringMatching(/bad-envelope/), expect.stringMatching(/wrong-peer/)])
    // invalid deliveries cost B score at A (and at the relay, which validates what it forwards)
    const scores = a.libp2p.services.pubsub as unknown as { getScore: (peerId: string) => number }
    // the score is recomputed on the heartbeat (1 s)
    await waitFor('negative score', () => scores.getScore(b.peerId) < 0)
  })

  it('fetches a blob from a peer over the direct blob stream, checking kind, size and every chunk', async () => {
    const bytes = new Uint8Array(3 * 1024 * 1024 + 5)
    for (let i = 0; i < bytes.length; i += 4096) bytes[i] = i & 0xff
    const cid = await a.storage.blobs.put(bytes, { kind: 'delta' })
    const progress: number[] = []
    const got = await fetchBlob(b.libp2p, a.libp2p.peerId, cid, { kind: 'delta', onProgress: p => progress.push(p.bytes) })
    expect(Buffer.compare(got, bytes)).toBe(0)
    expect(progress.at(-1)).toBe(bytes.length)
    // nothing was written to b's blockstore: the delta is used once
    expect(await b.helia.blockstore.has(cid)).toBe(false)
    await expect(fetchBlob(b.libp2p, a.libp2p.peerId, cid, { kind: 'delta', limits: { delta: 1024 } })).rejects.toThrow(BlobTooLargeError)
    await expect(fetchBlob(b.libp2p, a.libp2p.peerId, cid, { kind: 'model' })).rejects.toThrow(/it is a delta, expected a model/)
    const missing = await b.storage.blobs.put(new Uint8Array(10), { kind: 'delta' })
    await expect(fetchBlob(b.libp2p, a.libp2p.peerId, missing, { kind: 'delta' })).rejects.toThrow(BlobUnavailableError)
  })

  it('pins a data set on the relay so a peer gets a shard after the uploader left', async () => {
    const shards = [{ bytes: new TextEncoder().encode('x\n1\n2\n'), records: 2 }, { bytes: new Uint8Array(3 * 1024 * 1024).fill(7), records: 1 }]
    const { cid, manifest } = await a.storage.storeDataset({ name: 'demo', schema: { format: 'binary' }, shards, pinMetadata: { taskId: TASK } })
    const receipt = await requestPin(a.libp2p, relay.libp2p.peerId, signerA, { taskId: TASK, kind: 'manifest', cid })
    expect(receipt).toMatchObject({ cid: cid.toString(), size: manifest.totalSize })
    // The relay signed a receipt with its peer key: anyone holding it can check what was pinned, for whom.
    const request = { chainId: CHAIN, from: signerA.wallet, taskId: TASK, kind: 'manifest' as const, cid: cid.toString() }
    const pinnerKey = relay.libp2p.peerId.publicKey!
    const verify = async (bytes: Uint8Array, sig: Uint8Array): Promise<boolean> => await pinnerKey.verify(bytes, sig)
    expect(await verifyPinReceipt(receipt.signed, { pinner: relay.peerId, request }, verify)).toMatchObject({ pinner: relay.peerId, size: manifest.totalSize })
    const forged = { ...receipt.signed, payload: receipt.signed.payload.replace(`"size":${manifest.totalSize}`, `"size":${manifest.totalSize + 1}`) }
    await expect(verifyPinReceipt(forged, { pinner: relay.peerId, request }, verify)).rejects.toThrow(/not signed by the pinner/)
    await expect(verifyPinReceipt(receipt.signed, { pinner: relay.peerId, request: { ...request, taskId: '99' } }, verify)).rejects.toThrow(/taskId is/)
    await a.stop()
    const fetched = await b.storage.manifests.get(cid, { signal: AbortSignal.timeout(10_000) })
    const shard = await b.storage.blobs.get(fetched.shards[1]!.cid, { kind: 'shard', signal: AbortSignal.timeout(10_000) })
    // toEqual walks a 3 MiB array element by element (seconds); compare as buffers
    expect(Buffer.compare(shard, shards[1]!.bytes)).toBe(0)
    expect(await relay.pinning.release(TASK)).toBe(1)
  }, 30_000)

  it('refuses a pin request signed for another peer, or over the size limit', async () => {
    const big = await b.storage.blobs.put(new Uint8Array(2 * 1024 * 1024), { kind: 'model' })
    const err = await requestPin(b.libp2p, relay.libp2p.peerId, signerA, { taskId: TASK, kind: 'model', cid: big }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(PinRefusedError)
    expect((err as PinRefusedError).message).toMatch(/bad-request.*signed for peer/)
    const small = await startRelay({ port: 0, dataDir: join(dataDir, 'small'), pinning: { limits: { model: 1024 * 1024 } } })
    try {
      await b.libp2p.dial(small.multiaddrs.map(m => multiaddr(m)))
      const tooBig = await requestPin(b.libp2p, small.libp2p.peerId, signerB, { taskId: TASK, kind: 'model', cid: big }).catch((e: unknown) => e)
      expect((tooBig as PinRefusedError).code).toBe('too-large')
    } finally {
      await small.stop()
    }
  }, 30_000)
})
