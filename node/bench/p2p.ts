/**
 * `npm run bench -- p2p [--size MB] [--json FILE]`: two Chromium pages (own browser contexts, so
 * own peers), a relay for signalling, a direct WebRTC connection between them; then the same
 * payload over a raw libp2p stream (the baseline: bytes in memory, no hashing, no storage) and
 * through Helia (chunked DAG, bitswap, hash checks, IndexedDB writes on both sides), plus Helia
 * with in-memory blockstores to separate the network path from IndexedDB; and the direct blob
 * stream protocol (/mlbridge/blob: one stream, every block verified, nothing stored).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Page } from 'playwright'
import { createServer } from 'vite'
import { chromiumArgs } from '../../playwright.config.ts'
import { freePort } from '../ports.ts'
import { startRelay } from '../relay.ts'
import type { BenchContext } from '../bench.ts'
import { UsageError, type FlagOptions } from '../cli/args.ts'
import type { PageHarness } from '../../src/testing/pageHarness.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

interface PeerWindow {
  peer: PageHarness
}

export interface P2PBenchResult {
  sizeMB: number
  dialMs: number[]
  rawMBps: number
  heliaIdbMBps: number
  heliaMemMBps: number
  putIdbMBps: number
  /** /mlbridge/blob from a peer whose blocks are in IndexedDB / memory */
  blobStreamIdbMBps: number
  blobStreamMemMBps: number
  ratios: { heliaIdbOverRaw: number, heliaMemOverRaw: number, blobStreamIdbOverRaw: number, blobStreamMemOverRaw: number }
}

export const FLAGS = { size: { type: 'string' } } as const satisfies FlagOptions

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<P2PBenchResult> {
  const sizeMB = Number(flags.size ?? '20')
  if (!(sizeMB > 0)) throw new UsageError('--size needs a number of MB')
  const reps = 3

  const dataDir = await mkdtemp(join(tmpdir(), 'mlbridge-bench-p2p-'))
  const relay = await startRelay({ port: 0, dataDir })
  const port = await freePort()
  const vite = await createServer({
    root,
    configFile: join(root, 'vite.config.ts'),
    server: { host: '127.0.0.1', port, strictPort: true },
    logLevel: 'error',
    // a blank page of the app's origin: modules come from Vite, nothing of the app runs. Served
    // for real, not by page.route: Chromium treats an intercepted document as a public-network
    // page and then refuses its WebSocket to the loopback relay.
    plugins: [{
      name: 'mlbridge-bench-page',
      configureServer: (server) => {
        server.middlewares.use('/bench.html', (_req, res) => {
          res.setHeader('content-type', 'text/html')
          res.end('<!doctype html><title>p2p bench</title>')
        })
      }
    }]
  })
  await vite.listen()
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs })
  try {
    const origin = `http://localhost:${port}`
    const openPage = async (name: string): Promise<Page> => {
      const context = await browser.newContext()
      // Chromium offers loopback ICE candidates only to pages with a media permission
      await context.grantPermissions(['microphone'], { origin })
      const page = await context.newPage()
      page.on('pageerror', err => { log(`page ${name}: ${err.message}`) })
      await page.goto(`${origin}/bench.html`)
      return page
    }
    const startPeer = async (page: Page, storage: 'indexeddb' | 'memory'): Promise<void> => {
      // the first import may hit Vite re-optimizing dependencies (a 504 for the old bundle): reload once
      const load = async (): Promise<void> => { await page.evaluate(async (path) => { await import(/* @vite-ignore */ path) }, '/src/testing/pageHarness.ts') }
      await load().catch(async () => { await page.reload(); await load() })
      await page.evaluate(async ({ relayAddrs, storage }) => {
        await (window as unknown as Partial<PeerWindow>).peer?.node.stop()
        const p2p = '/src/p2p/index.ts'
        const harness = '/src/testing/pageHarness.ts'
        const messages = '/src/core/messages/index.ts'
        const { createBrowserNode } = await import(/* @vite-ignore */ p2p) as typeof import('../../src/p2p/index.ts')
        const { createPageHarness } = await import(/* @vite-ignore */ harness) as typeof import('../../src/testing/pageHarness.ts')
        const { anyWallet } = await import(/* @vite-ignore */ messages) as typeof import('../../src/core/messages/index.ts')
        // the bench's relay has no chain, and its throwaway wallets are members of nothing
        const peer = await createPageHarness(await createBrowserNode({ relayMultiaddrs: relayAddrs, allowLoopback: true, storage, dbName: `bench-${Date.now()}`, membership: anyWallet }), 31337)
        await peer.serveRawSink()
        ;(window as unknown as PeerWindow).peer = peer
      }, { relayAddrs: relay.multiaddrs, storage })
      await page.waitForFunction(() => (window as unknown as PeerWindow).peer.node.libp2p.getMultiaddrs().some(ma => ma.toString().includes('/webrtc')))
    }
    const [a, b] = [await openPage('a'), await openPage('b')]
    await startPeer(a, 'indexeddb')
    await startPeer(b, 'indexeddb')
    const webrtcAddr = async (page: Page): Promise<string> => await page.evaluate(() =>
      (window as unknown as PeerWindow).peer.node.libp2p.getMultiaddrs().map(String).find(s => s.includes('/webrtc')) ?? '')
    const peerIdOf = async (page: Page): Promise<string> => await page.evaluate(() => (window as unknown as PeerWindow).peer.node.peerId)

    // dial time: a fresh WebRTC connection each time (SDP + ICE through the relay)
    const dialMs = await a.evaluate(async ({ target, reps }) => {
      const { peer } = window as unknown as PeerWindow
      const out: number[] = []
      for (let i = 0, failures = 0; i < reps; i++) {
        // an ICE attempt can time out when the CPU is saturated; count it, try again
        const dialed = await peer.dial(target).catch((err: unknown) => { if (++failures > 3) throw err })
        if (dialed === undefined) { i--; continue }
        const { ms, direct, peerId } = dialed
        if (!direct) throw new Error('dial ended on a relayed connection')
        out.push(ms)
        if (i < reps - 1) await peer.node.libp2p.hangUp(peer.node.libp2p.getPeers().find(p => p.toString() === peerId)!)
      }
      return out
    }, { target: await webrtcAddr(b), reps })
    log(`WebRTC dial: ${dialMs.map(ms => `${ms.toFixed(0)} ms`).join(', ')}`)

    const bytes = sizeMB * 1e6
    const mbps = (ms: number): number => bytes / 1e6 / (ms / 1000)

    const rawMs = await a.evaluate(async ({ size, reps, to }) => {
      const { peer } = window as unknown as PeerWindow
      const data = crypto.getRandomValues(new Uint8Array(65536))
      const payload = new Uint8Array(size)
      for (let off = 0; off < size; off += data.length) payload.set(data.subarray(0, Math.min(data.length, size - off)), off)
      const out: number[] = []
      for (let i = 0; i < reps; i++) {
        const t = performance.now()
        await peer.sendRaw(to, payload)
        out.push(performance.now() - t)
      }
      return out
    }, { size: bytes, reps, to: await peerIdOf(b) })
    const raw = mbps(median(rawMs))
    log(`raw stream: ${rawMs.map(ms => mbps(ms).toFixed(1)).join(', ')} MB/s`)

    const helia = async (which: 'idb' | 'mem'): Promise<{ getMBps: number, putMBps: number, directMBps: number }> => {
      const [from, to] = [a, b]
      const fromId = await peerIdOf(from)
      const getMs: number[] = []
      const putMs: number[] = []
      const directMs: number[] = []
      for (let i = 0; i < reps; i++) {
        // fresh random bytes each time: B must not have any of the blocks yet
        const { cid, ms } = await from.evaluate(async (size) => {
          const { node } = (window as unknown as PeerWindow).peer
          const payload = new Uint8Array(size)
          for (let off = 0; off < size; off += 65536) crypto.getRandomValues(payload.subarray(off, Math.min(off + 65536, size)))
          const t = performance.now()
          const cid = await node.storage.blobs.put(payload, { kind: 'model' })
          return { cid: cid.toString(), ms: performance.now() - t }
        }, bytes)
        putMs.push(ms)
        getMs.push(await to.evaluate(async (cid) => {
          const { node } = (window as unknown as PeerWindow).peer
          const t = performance.now()
          await node.storage.blobs.get(cid, { kind: 'model', signal: AbortSignal.timeout(120_000) })
          return performance.now() - t
        }, cid))
        // the same blob again, in one stream from its holder (/mlbridge/blob), verified, not stored
        directMs.push(await to.evaluate(async ({ cid, fromId }) => {
          const { peer } = window as unknown as PeerWindow
          const t = performance.now()
          await peer.fetchBlob(fromId, cid, 'model')
          return performance.now() - t
        }, { cid, fromId }))
      }
      const list = (xs: number[]): string => xs.map(ms => mbps(ms).toFixed(1)).join(', ')
      log(`${which === 'idb' ? 'IndexedDB' : 'memory'} blockstores: Helia get ${list(getMs)} MB/s, put ${list(putMs)} MB/s, blob stream ${list(directMs)} MB/s`)
      return { getMBps: mbps(median(getMs)), putMBps: mbps(median(putMs)), directMBps: mbps(median(directMs)) }
    }
    const idb = await helia('idb')
    // the same pages with in-memory blockstores: what is left is bitswap over WebRTC
    await startPeer(a, 'memory')
    await startPeer(b, 'memory')
    const retries = await a.evaluate(async (addr) => {
      // as above: under load an ICE attempt can time out; a second one has always worked here
      for (let failures = 0; ; failures++) {
        try {
          await (window as unknown as PeerWindow).peer.dial(addr)
          return failures
        } catch (err) {
          if (failures >= 3) throw err
        }
      }
    }, await webrtcAddr(b))
    if (retries > 0) log(`(memory pair: ${retries} dial attempt(s) timed out before one connected)`)
    const mem = await helia('mem')

    const result: P2PBenchResult = {
      sizeMB,
      dialMs: dialMs.map(Math.round),
      rawMBps: round(raw),
      heliaIdbMBps: round(idb.getMBps),
      heliaMemMBps: round(mem.getMBps),
      putIdbMBps: round(idb.putMBps),
      blobStreamIdbMBps: round(idb.directMBps),
      blobStreamMemMBps: round(mem.directMBps),
      ratios: {
        heliaIdbOverRaw: round(idb.getMBps / raw, 2),
        heliaMemOverRaw: round(mem.getMBps / raw, 2),
        blobStreamIdbOverRaw: round(idb.directMBps / raw, 2),
        blobStreamMemOverRaw: round(mem.directMBps / raw, 2)
      }
    }
    log(`${sizeMB} MB, medians of ${reps}: raw ${result.rawMBps} MB/s, Helia+IndexedDB ${result.heliaIdbMBps} MB/s (${result.ratios.heliaIdbOverRaw} of raw), Helia+memory ${result.heliaMemMBps} MB/s (${result.ratios.heliaMemOverRaw} of raw), blob stream ${result.blobStreamIdbMBps} / ${result.blobStreamMemMBps} MB/s (${result.ratios.blobStreamIdbOverRaw} / ${result.ratios.blobStreamMemOverRaw} of raw), dial ${median(dialMs).toFixed(0)} ms`)
    return result
  } finally {
    await browser.close()
    await vite.close()
    await relay.stop()
    await rm(dataDir, { recursive: true, force: true, maxRetries: 5 })
  }
}

function median (xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y)
  return s[Math.floor(s.length / 2)] ?? NaN
}

function round (x: number, digits = 1): number {
  return Number(x.toFixed(digits))
}
