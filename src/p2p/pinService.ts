import { CID } from 'multiformats/cid'
import { createPinRequestVerifier, encodePinRequest, MAX_PIN_FRAME_BYTES, PIN_PROTOCOL, pinResponseSchema, signPinReceipt, verifyPinReceipt, type MessageSigner, type PinReceipt as SignedPinReceipt, type PinRequest, type PinRequestVerifier, type PinResponse } from '../core/messages/index.ts'
import { createStorage, StorageError, BlobTooLargeError, type ArtifactLimits, type BlockAccess, type PinAccess } from '../storage/index.ts'
import { readToEnd, sendAndClose } from './streams.ts'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

type PinCode = Extract<PinResponse, { ok: false }>['code']

/** The pinner said no; `code` tells a retry (busy) from a permanent refusal. */
export class PinRefusedError extends Error {
  override name = 'PinRefusedError'
  constructor (readonly code: PinCode, detail: string) {
    super(`pin refused (${code}): ${detail}`)
  }
}

export interface PinReceipt {
  cid: string
  /** payload bytes now held by the pinner */
  size: number
  blocks: number
  /** The pinner's signed receipt, checked against the peer that answered (evidence to keep). */
  signed: SignedPinReceipt
}

/**
 * Asks a pinner to fetch (by bitswap, from us and anyone else who has it) and keep a DAG for a
 * task. Resolves once the pinner holds every block and signed a receipt for it with its peer key,
 * so the caller may go offline afterwards; a receipt that does not check out is a refusal.
 */
export async function requestPin (
  libp2p: Libp2p, pinner: PeerId | Multiaddr | Multiaddr[], signer: MessageSigner,
  req: { taskId: string, kind: PinRequest['kind'], cid: CID | string }, options: { signal?: AbortSignal } = {}
): Promise<PinReceipt> {
  const signal = options.signal ?? AbortSignal.timeout(5 * 60_000)
  const connection = await libp2p.dial(pinner, { signal })
  const stream = await connection.newStream(PIN_PROTOCOL, { signal })
  try {
    const cid = req.cid.toString()
    await sendAndClose(stream, await encodePinRequest(signer, { ...req, cid }), { signal })
    const parsed = pinResponseSchema.safeParse(JSON.parse(new TextDecoder().decode(await readToEnd(stream, MAX_PIN_FRAME_BYTES))))
    if (!parsed.success) throw new PinRefusedError('failed', 'the pinner sent a malformed response')
    if (!parsed.data.ok) throw new PinRefusedError(parsed.data.code, parsed.data.error)
    const pinnerKey = connection.remotePeer.publicKey
    if (pinnerKey === undefined) throw new PinRefusedError('failed', `pinner ${connection.remotePeer.toString()} has no public key in its peer ID to check its receipt`)
    await verifyPinReceipt(parsed.data.receipt, { pinner: connection.remotePeer.toString(), request: { chainId: signer.chainId, from: signer.wallet, taskId: req.taskId, kind: req.kind, cid } }, async (bytes, sig) => await pinnerKey.verify(bytes, sig))
      .catch((err: unknown) => { throw new PinRefusedError('failed', `the pinner's receipt does not check out: ${err instanceof Error ? err.message : String(err)}`) })
    return { cid: parsed.data.cid, size: parsed.data.size, blocks: parsed.data.blocks, signed: parsed.data.receipt }
  } catch (err) {
    stream.abort(err instanceof Error ? err : new Error(String(err)))
    throw err
  }
}

/** Helia's pin set as far as the pinner needs it. */
export interface PinSet extends PinAccess {
  ls: (options?: { signal?: AbortSignal }) => AsyncIterable<{ cid: CID, metadata: Record<string, string | number | boolean> }>
  rm: (cid: CID, options?: { signal?: AbortSignal }) => AsyncIterable<CID>
}

export interface PinServiceInit {
  libp2p: Libp2p
  /** Signs receipts with the pinner's libp2p key (the one its peer ID names). */
  sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
  blocks: BlockAccess
  pins: PinSet
  verifier?: PinRequestVerifier
  limits?: Partial<ArtifactLimits>
  /** a data set (all shards of one manifest) may be at most this big @default 2 GiB */
  maxDatasetBytes?: number
  /** e.g. "is the wallet the task's creator or an assigned provider" (on-chain); default: any signed request */
  authorize?: (req: PinRequest) => boolean | Promise<boolean>
  /** pins fetched at once, over all peers @default 4 */
  maxConcurrent?: number
  /** one fetch may take this long @default 10 min */
  timeoutMs?: number
}

export interface PinService {
  /** unpins every artifact pinned for the task (call when it ends); returns how many */
  release: (taskId: string) => Promise<number>
  stop: () => Promise<void>
}

/**
 * The pinner side of `/mlbridge/pin/1.0.0`: verifies the signed request, checks sizes from the
 * roots before fetching the payload, and pins with the task ID as metadata, on disk, so the
 * data of active tasks outlives the tab that uploaded it.
 */
export async function startPinService (init: PinServiceInit): Promise<PinService> {
  const verifier = init.verifier ?? createPinRequestVerifier()
  const storage = createStorage({ blocks: init.blocks, limits: init.limits })
  const maxDataset = init.maxDatasetBytes ?? 2 * 1024 ** 3
  const maxConcurrent = init.maxConcurrent ?? 4
  const timeoutMs = init.timeoutMs ?? 10 * 60_000
  const stopping = new AbortController()
  let running = 0

  const sizeOf = async (req: PinRequest, signal: AbortSignal): Promise<number> => {
    if (req.kind !== 'manifest') return (await storage.blobs.stat(req.cid, { kind: req.kind, signal })).size
    const manifest = await storage.manifests.get(req.cid, { signal })
    let total = 0
    for (const shard of manifest.shards) {
      // the roots, not the manifest's claims, decide: they are what will be fetched
      total += (await storage.blobs.stat(shard.cid, { kind: 'shard', signal })).size
      if (total > maxDataset) throw new BlobTooLargeError('manifest', total, maxDataset, req.cid)
    }
    return total
  }

  const pin = async (req: PinRequest): Promise<PinResponse> => {
    const allowed = init.authorize == null ? true : await init.authorize(req)
    if (!allowed) return { ok: false, code: 'unauthorized', error: `wallet ${req.from} may not pin for task ${req.taskId}` }
    if (running >= maxConcurrent) return { ok: false, code: 'busy', error: `${running} pins in progress, try again later` }
    running++
    const signal = AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)])
    try {
      const cid = CID.parse(req.cid)
      const size = await sizeOf(req, signal)
      let blocks = 0
      if (!await init.pins.isPinned(cid, { signal })) {
        for await (const _ of init.pins.add(cid, { signal, metadata: { taskId: req.taskId, kind: req.kind, wallet: req.from } })) blocks++
      }
      const receipt = await signPinReceipt({ pinner: init.libp2p.peerId.toString(), chainId: req.chainId, from: req.from, taskId: req.taskId, kind: req.kind, cid: req.cid, size, pinnedAt: Date.now() }, init.sign)
      return { ok: true, cid: cid.toString(), size, blocks, receipt }
    } catch (err) {
      if (err instanceof BlobTooLargeError) return { ok: false, code: 'too-large', error: err.message }
      if (err instanceof StorageError) return { ok: false, code: 'bad-request', error: err.message }
      if (signal.aborted) return { ok: false, code: 'not-found', error: `could not fetch ${req.cid} from any peer in time` }
      return { ok: false, code: 'failed', error: err instanceof Error ? err.message : String(err) }
    } finally {
      running--
    }
  }

  await init.libp2p.handle(PIN_PROTOCOL, async (stream, connection) => {
    let response: PinResponse
    try {
      const req = await verifier.verify(await readToEnd(stream, MAX_PIN_FRAME_BYTES), connection.remotePeer.toString())
      response = await pin(req)
    } catch (err) {
      response = { ok: false, code: 'bad-request', error: (err instanceof Error ? err.message : String(err)).slice(0, 1000) }
    }
    await sendAndClose(stream, new TextEncoder().encode(JSON.stringify(response))).catch(() => { /* the requester left */ })
  }, {
    // pins wait for bitswap; relayed links expire in 2 min and must stay signalling-only
    runOnLimitedConnection: false,
    maxInboundStreams: 2
  })

  return {
    release: async (taskId) => {
      let n = 0
      for await (const pin of init.pins.ls()) {
        if (pin.metadata.taskId !== taskId) continue
        for await (const _ of init.pins.rm(pin.cid)) { /* unpin */ }
        n++
      }
      return n
    },
    stop: async () => {
      stopping.abort()
      await init.libp2p.unhandle(PIN_PROTOCOL)
    }
  }
}
