import { multiaddr } from '@multiformats/multiaddr'
import type { Hex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { authorizeSession, type AnyTaskMessage, type ArtifactKind, type MessageSigner } from '../core/messages/index.ts'
import { fetchBlob } from '../p2p/blobStream.ts'
import { requestPin, type PinReceipt } from '../p2p/pinService.ts'
import { readToEnd, sendAndClose } from '../p2p/streams.ts'
import type { BrowserNode } from '../p2p/createBrowserNode.ts'
import type { TaskChannel } from '../p2p/taskChannel.ts'
import type { RejectedMessage } from '../p2p/topicGuard.ts'
import type { PeerId } from '@libp2p/interface'

/**
 * Drives a browser node from Playwright (e2e tests and `npm run bench -- p2p`): loaded into a
 * page by the Vite dev server, it gives the test a throwaway wallet with a session grant and
 * records what the application layer received, so tests assert on what the app would see.
 */
export interface PageHarness {
  node: BrowserNode
  signer: MessageSigner
  /** verified task messages, in arrival order */
  received: AnyTaskMessage[]
  /** what the topic guard refused */
  rejected: RejectedMessage[]
  join: (taskId: string) => TaskChannel
  channel: () => TaskChannel
  /** dials a multiaddr (e.g. a peer's /p2p-circuit/webrtc address); reports time and directness */
  dial: (addr: string) => Promise<{ ms: number, direct: boolean, peerId: string }>
  /** asks the pinner at `pinnerAddr` to keep `cid` for the task (see requestPin) */
  pin: (pinnerAddr: string, req: { taskId: string, kind: ArtifactKind, cid: string }) => Promise<PinReceipt>
  /** fetches a blob from a connected peer over the direct blob stream protocol */
  fetchBlob: (peer: string, cid: string, kind: ArtifactKind) => Promise<Uint8Array>
  /** a byte sink on RAW_PROTOCOL: answers with one byte once the sender closed */
  serveRawSink: () => Promise<void>
  /** sends `bytes` in 256 KiB writes to the sink of `peer`; resolves when the sink confirmed */
  sendRaw: (peer: PeerId | string, bytes: Uint8Array) => Promise<void>
}

export const RAW_PROTOCOL = '/mlbridge/bench/raw/1.0.0'

/** `privateKey`: the wallet that signs the page's gossip (a task member's, to be heard); default a fresh one. */
export async function createPageHarness (node: BrowserNode, chainId: number, privateKey: Hex = generatePrivateKey()): Promise<PageHarness> {
  const { signer } = await authorizeSession({ wallet: privateKeyToAccount(privateKey), peerId: node.peerId, chainId })
  const received: AnyTaskMessage[] = []
  const rejected: RejectedMessage[] = []
  node.guard.on('rejected', r => rejected.push(r))
  let channel: TaskChannel | undefined

  const peerIdOf = (peer: PeerId | string): PeerId =>
    typeof peer === 'string' ? node.libp2p.getPeers().find(p => p.toString() === peer) ?? fail(`not connected to ${peer}`) : peer

  return {
    node,
    signer,
    received,
    rejected,
    join: (taskId) => {
      channel = node.joinTask({ taskId, signer, presence: () => ({ backend: 'wasm', throughput: 1 }), announceIntervalMs: 1000 })
      channel.on('message', m => received.push(m))
      return channel
    },
    channel: () => channel ?? fail('join a task first'),
    dial: async (addr) => {
      const t = performance.now()
      const conn = await node.libp2p.dial(multiaddr(addr), { signal: AbortSignal.timeout(20_000) })
      return { ms: performance.now() - t, direct: conn.limits == null, peerId: conn.remotePeer.toString() }
    },
    pin: async (pinnerAddr, req) => await requestPin(node.libp2p, multiaddr(pinnerAddr), signer, req),
    fetchBlob: async (peer, cid, kind) => await fetchBlob(node.libp2p, peerIdOf(peer), cid, { kind, signal: AbortSignal.timeout(120_000) }),
    serveRawSink: async () => {
      await node.libp2p.handle(RAW_PROTOCOL, async (stream) => {
        const data = await readToEnd(stream, 256 * 1024 * 1024)
        await sendAndClose(stream, new Uint8Array([data.length > 0 ? 1 : 0]))
      }, { maxInboundStreams: 4 })
    },
    sendRaw: async (peer, bytes) => {
      const stream = await node.libp2p.dialProtocol(peerIdOf(peer), RAW_PROTOCOL)
      const step = 256 * 1024
      for (let off = 0; off < bytes.length; off += step) {
        if (!stream.send(bytes.subarray(off, off + step))) await stream.onDrain()
      }
      await stream.close()
      const ack = await readToEnd(stream, 1)
      if (ack[0] !== 1) throw new Error('raw sink received nothing')
    }
  }
}

function fail (message: string): never {
  throw new Error(message)
}
