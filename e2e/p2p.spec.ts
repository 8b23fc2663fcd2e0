// The Playwright runner is Node 20: libp2p needs Promise.withResolvers and a global WebSocket
// before it is imported, so the relay module is loaded dynamically after the polyfills.
import '../node/polyfills.ts'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from './fixtures.ts'
import type { Page } from '@playwright/test'
import type { Relay } from '../node/relay.ts'
import type { PageHarness } from '../src/testing/pageHarness.ts'
import type { BrowserNode } from '../src/p2p/index.ts'
import type { StackInfo } from '../src/core/networkConfig.ts'
import { devContext, devPrivateKey } from './devAccounts.ts'
import { taskTopic } from '../src/core/messages/topics.ts'

type HarnessWindow = Window & { h: PageHarness }
const CHAIN_ID = 31337
/** Dev accounts the pages sign gossip with: members of the tasks `memberTask` creates. */
const MEMBERS = [5, 6] as const

/** A task on the stack's chain that dev accounts `MEMBERS` joined: gossip is heard from members only. */
async function memberTask (stack: StackInfo): Promise<string> {
  const { createPlainTask, joinAsProvider } = await import('../node/testing/placeholderTask.ts')
  const taskId = await createPlainTask(devContext(stack, 0))
  for (const member of MEMBERS) await joinAsProvider(devContext(stack, member), taskId)
  return taskId.toString()
}

/** Loads the app, waits for its node, and wraps that node in the test harness as `window.h`, signing as dev account `account` (default a fresh wallet). */
async function startApp (page: Page, relayAddr?: string, account?: number): Promise<void> {
  if (relayAddr !== undefined) {
    await page.route('**/mlbridge.config.json', async (route) => {
      const response = await route.fetch()
      const config = await response.json() as { bootstrap: string[] }
      await route.fulfill({ response, json: { ...config, bootstrap: [relayAddr] } })
    })
  }
  await page.goto('/#/contribute')
  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-connected', 'true')
  const privateKey = account === undefined ? undefined : devPrivateKey(account)
  await page.evaluate(async ({ chainId, privateKey }) => {
    const load = async <T>(path: string): Promise<T> => await import(/* @vite-ignore */ path) as T
    // the app's own module instance: it hands back the node the app already started
    const { browserNode } = await load<{ browserNode: (n: unknown) => Promise<BrowserNode> }>('/src/app/browserNode.ts')
    const { createPageHarness } = await load<typeof import('../src/testing/pageHarness.ts')>('/src/testing/pageHarness.ts')
    ;(window as unknown as HarnessWindow).h = await createPageHarness(await browserNode(null), chainId, privateKey)
  }, { chainId: CHAIN_ID, privateKey })
}

const peerIdOf = async (page: Page): Promise<string> => await page.evaluate(() => (window as unknown as HarnessWindow).h.node.peerId)

/** Both pages join the task; resolves once `a` lists `b` as a task peer over a direct connection. */
async function joinAndConnect (a: Page, b: Page, taskId: string): Promise<void> {
  for (const page of [a, b]) await page.evaluate((id) => { (window as unknown as HarnessWindow).h.join(id) }, taskId)
  const bId = await peerIdOf(b)
  await expect.poll(async () => await a.evaluate((id) =>
    (window as unknown as HarnessWindow).h.channel().peers().find(p => p.peerId === id)?.connection, bId), { timeout: 30_000 }).toBe('direct')
}

test.describe('@p2p peer network and storage', () => {
  test('@p2p two pages go direct over WebRTC and keep exchanging gossip and a 10 MB blob after the relay stops', async ({ openPeerPage, stack }) => {
    const taskId = await memberTask(stack)
    const dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-e2e-relay-'))
    const { startRelay } = await import('../node/relay.ts')
    let relay: Relay | undefined = await startRelay({ port: 0, dataDir, chainId: CHAIN_ID })
    try {
      const [a, b] = [await openPeerPage(), await openPeerPage()]
      await startApp(a, relay.multiaddrs[0], MEMBERS[0])
      await startApp(b, relay.multiaddrs[0], MEMBERS[1])
      await expect(a.getByTestId('task-peers-none')).toHaveText('Not in any task yet')
      await joinAndConnect(a, b, taskId)
      const bId = await peerIdOf(b)
      // the connection is a WebRTC one without relay limits, and the panel says so
      expect(await a.evaluate((id) => (window as unknown as HarnessWindow).h.node.libp2p.getConnections()
        .filter(c => c.remotePeer.toString() === id).map(c => ({ limits: c.limits ?? null, webrtc: c.remoteAddr.toString().includes('/webrtc') })), bId))
        .toContainEqual({ limits: null, webrtc: true })
      await expect(a.locator(`[data-testid="peer-list"] [data-peer-id="${bId}"]`)).toHaveAttribute('data-type', 'direct')
      // each page's panel lists the other as a peer of the task, reached directly, with its wallet
      const aId = await peerIdOf(a)
      for (const [page, other, otherPage] of [[a, bId, b], [b, aId, a]] as const) {
        const wallet = await otherPage.evaluate(() => (window as unknown as HarnessWindow).h.signer.wallet)
        const row = page.locator(`[data-testid="task-peers-${taskId}"] [data-peer-id="${other}"]`)
        await expect(row).toHaveAttribute('data-connection', 'direct')
        await expect(row).toHaveAttribute('data-wallet', wallet)
        await expect(row).toContainText('direct WebRTC')
      }
      await expect(a.getByTestId('task-peers-none')).toHaveCount(0)

      await relay.stop()
      relay = undefined
      await expect(a.getByTestId('relay-status')).toHaveAttribute('data-connected', 'false')

      await a.evaluate(async () => { await (window as unknown as HarnessWindow).h.channel().publish('rounds', { round: 4, phase: 'open' }) })
      await expect.poll(async () => await b.evaluate(() => (window as unknown as HarnessWindow).h.received
        .filter(m => m.kind === 'rounds').map(m => m.body)), { timeout: 10_000 }).toContainEqual({ type: 'round', taskId, round: 4, phase: 'open' })

      const sent = await a.evaluate(async () => {
        const bytes = new Uint8Array(10 * 1024 * 1024)
        for (let off = 0; off < bytes.length; off += 65536) crypto.getRandomValues(bytes.subarray(off, off + 65536))
        const cid = await (window as unknown as HarnessWindow).h.node.storage.blobs.put(bytes, { kind: 'model' })
        const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))
        return { cid: cid.toString(), digest: Array.from(digest).join(',') }
      })
      const received = await b.evaluate(async (cid) => {
        const bytes = await (window as unknown as HarnessWindow).h.node.storage.blobs.get(cid, { kind: 'model', signal: AbortSignal.timeout(60_000) })
        return { size: bytes.length, digest: Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))).join(',') }
      }, sent.cid)
      expect(received).toEqual({ size: 10 * 1024 * 1024, digest: sent.digest })
    } finally {
      await relay?.stop()
      await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
    }
  })

  test('@p2p a page fetches a data set shard from the pinner after the uploading page closed', async ({ openPeerPage, stack }) => {
    const uploader = await openPeerPage()
    await startApp(uploader)
    const { cid, shardSha } = await uploader.evaluate(async (pinner) => {
      const { h } = window as unknown as HarnessWindow
      const { splitLines } = await import(/* @vite-ignore */ '/src/storage/index.ts' as string) as typeof import('../src/storage/index.ts')
      const csv = new TextEncoder().encode(['x,label', ...Array.from({ length: 4000 }, (_, i) => `${i},${i % 10}`)].join('\n'))
      const shards = splitLines(csv, 8 * 1024, { header: true })
      // A data set is published before its task exists (task 0), as the wizard does: the stack's pinner takes that from any wallet.
      const { cid, manifest } = await h.node.storage.storeDataset({ name: 'digits', schema: { format: 'csv', columns: ['x', 'label'], label: 'label', header: true }, shards, pinMetadata: { taskId: '0' } })
      const receipt = await h.pin(pinner, { taskId: '0', kind: 'manifest', cid: cid.toString() })
      if (receipt.size !== manifest.totalSize) throw new Error(`pinner holds ${receipt.size} bytes, expected ${manifest.totalSize}`)
      return { cid: cid.toString(), shardSha: manifest.shards[2]!.sha256 }
    }, stack.relayMultiaddr)
    await uploader.context().close()

    const reader = await openPeerPage()
    await startApp(reader)
    const sha = await reader.evaluate(async (cid) => {
      const { storage } = (window as unknown as HarnessWindow).h.node
      const manifest = await storage.manifests.get(cid, { signal: AbortSignal.timeout(20_000) })
      const shard = await storage.blobs.get(manifest.shards[2]!.cid, { kind: 'shard', signal: AbortSignal.timeout(20_000) })
      return Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', shard as Uint8Array<ArrayBuffer>)), b => b.toString(16).padStart(2, '0')).join('')
    }, cid)
    expect(sha).toBe(shardSha)
  })

  test('@p2p malformed and wrongly signed gossip is rejected and never reaches the application', async ({ openPeerPage, stack }) => {
    const taskId = await memberTask(stack)
    const [a, b] = [await openPeerPage(), await openPeerPage()]
    await startApp(a, undefined, MEMBERS[0])
    await startApp(b, undefined, MEMBERS[1])
    // directly connected: otherwise the relay's own validator drops the messages before `a` sees them
    await joinAndConnect(a, b, taskId)
    const [aId, bId] = [await peerIdOf(a), await peerIdOf(b)]
    // b publishes to every peer it knows subscribes to the topic (flood publish), so the bad
    // messages reach a directly once each page has the other's subscription over their direct
    // link; before that they would go only through the relay, whose validator drops them.
    const topic = taskTopic(taskId, 'rounds')
    for (const [page, other] of [[a, bId], [b, aId]] as const) {
      await expect.poll(async () => await page.evaluate(({ topic, other }) => (window as unknown as HarnessWindow).h.node.libp2p.services.pubsub
        .getSubscribers(topic).some(p => p.toString() === other), { topic, other }), { timeout: 30_000 }).toBe(true)
    }
    await b.evaluate(async ({ aId, taskId, topic }) => {
      const { h } = window as unknown as HarnessWindow
      const { encodeTaskMessage } = await import(/* @vite-ignore */ '/src/core/messages/index.ts' as string) as typeof import('../src/core/messages/index.ts')
      const pubsub = h.node.libp2p.services.pubsub
      await pubsub.publish(topic, new TextEncoder().encode('{"round":666}'))
      // validly signed by b's wallet, but claiming to come from peer a
      await pubsub.publish(topic, await encodeTaskMessage({ ...h.signer, peerId: aId }, taskId, 'rounds', { type: 'round', taskId, round: 666, phase: 'open' }))
      await h.channel().publish('rounds', { round: 7, phase: 'commit' })
    }, { aId, taskId, topic })
    await expect.poll(async () => await a.evaluate(() => (window as unknown as HarnessWindow).h.received.filter(m => m.kind === 'rounds').length), { timeout: 10_000 }).toBe(1)
    // Each message is validated on its own, so a rejection can be recorded after the valid delivery.
    await expect.poll(async () => await a.evaluate(() => (window as unknown as HarnessWindow).h.rejected.length), { timeout: 10_000 }).toBe(2)
    const seen = await a.evaluate(() => {
      const { h } = window as unknown as HarnessWindow
      return { rounds: h.received.filter(m => m.kind === 'rounds').map(m => m.body.round), rejected: h.rejected.map(r => r.reason) }
    })
    expect(seen.rounds).toEqual([7])
    expect(seen.rejected).toEqual([expect.stringMatching(/bad-envelope/), expect.stringMatching(/wrong-peer/)])
  })

  test('@p2p a blob over its limit or with a wrong CID is refused with a clear error', async ({ peerPage: page }) => {
    await startApp(page)
    const errors = await page.evaluate(async () => {
      const { h } = window as unknown as HarnessWindow
      const { createStorage } = await import(/* @vite-ignore */ '/src/storage/index.ts' as string) as typeof import('../src/storage/index.ts')
      const describe = (e: unknown): string => e instanceof Error ? `${e.name}: ${e.message}` : String(e)
      const { blobs } = h.node.storage
      const twoMiB = new Uint8Array(2 * 1024 * 1024).fill(1)
      const overPut = await blobs.put(twoMiB, { kind: 'manifest' }).then(() => 'stored', describe)
      const model = await blobs.put(twoMiB, { kind: 'model' })
      const small = createStorage({ blocks: h.node.helia.blockstore, limits: { model: 1024 * 1024 } })
      const overGet = await small.blobs.get(model, { kind: 'model' }).then(() => 'fetched', describe)
      const wrongCid = await blobs.put(new Uint8Array(2 * 1024 * 1024).fill(2), { kind: 'model', expectCid: model }).then(() => 'stored', describe)
      return { overPut, overGet, wrongCid, model: model.toString() }
    })
    expect(errors.overPut).toBe('BlobTooLargeError: manifest is 2097152 bytes, over the manifest limit of 1048576 bytes')
    expect(errors.overGet).toBe(`BlobTooLargeError: model ${errors.model} is 2097152 bytes, over the model limit of 1048576 bytes`)
    expect(errors.wrongCid).toMatch(new RegExp(`^CidMismatchError: CID mismatch: expected ${errors.model}, the bytes hash to bafy\\w+$`))
  })
})
