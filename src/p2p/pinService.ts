import { CID } from 'multiformats/cid'
import type { Logger } from '../core/log.ts'
import { createPinRequestVerifier, encodePinRequest, MAX_PIN_FRAME_BYTES, PIN_PROTOCOL, pinResponseSchema, signPinReceipt, verifyPinReceipt, type MessageSigner, type PinReceipt as SignedPinReceipt, type PinRequest, type PinRequestVerifier, type PinResponse } from '../core/messages/index.ts'
import { BlobTooLargeError, DagTooLargeError, DEFAULT_LIMITS, fetchArtifactDag, MAX_EVIDENCE_BYTES, pinOf, StorageError, type ArtifactLimits, type BlockAccess, type PinAccess } from '../storage/index.ts'
import { blockKey, reachable } from '../storage/reachable.ts'
import { rawCid } from '../storage/cid.ts'
import { createPinSlots } from './pinSlots.ts'
import { createPinTurns } from './pinTurns.ts'
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
 * Asks a pinner to fetch (by bitswap, from us) and keep a DAG for a
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
  ls: (options?: { signal?: AbortSignal }) => AsyncIterable<{ cid: CID, depth: number, metadata: PinMetadata }>
  rm: (cid: CID, options?: { signal?: AbortSignal }) => AsyncIterable<CID>
}

type PinMetadata = Record<string, string | number | boolean>

/**
 * A pin's metadata names the task it was pinned for (`taskId`, whose wallet's quota it counts
 * against) and, as `also:<taskId>` keys, every other task that asked for the same CID since: a
 * CID is pinned once, and one task ending must not release what another still needs.
 */
const ALSO = 'also:'

function holdersOf (metadata: PinMetadata): string[] {
  const first = typeof metadata.taskId === 'string' ? [metadata.taskId] : []
  return [...first, ...Object.keys(metadata).filter(k => k.startsWith(ALSO)).map(k => k.slice(ALSO.length))]
}

/** The metadata once `taskId` no longer holds the pin; the next holder, if any, becomes the owner. */
function withoutHolder (metadata: PinMetadata, taskId: string): PinMetadata {
  const rest = { ...metadata }
  delete rest[`${ALSO}${taskId}`]
  if (metadata.taskId !== taskId) return rest
  delete rest.taskId
  const [next] = holdersOf(rest)
  if (next !== undefined) {
    rest.taskId = next
    delete rest[`${ALSO}${next}`]
  }
  return rest
}

/** The blockstore as far as the pinner needs it: blocks of a refused DAG are deleted again. */
export interface PinBlocks extends BlockAccess {
  has: (cid: CID, options?: { signal?: AbortSignal }) => boolean | Promise<boolean>
  delete: (cid: CID, options?: { signal?: AbortSignal }) => void | Promise<void>
  /**
   * Blocks of the DAG under `root` fetched from `peer` alone (a bitswap session), stored here as
   * they arrive; unset: `get`, from any connected peer. Every winner of a round holds the version
   * it recomputed and asks for it to be pinned: a want sent to all peers has each of them send
   * every block.
   */
  from?: (peer: string, root: CID) => { get: BlockAccess['get'], close: () => void }
  /**
   * Every block on disk (interface-blockstore's `getAll`; the bytes are not read), so that at start
   * the blocks no pin holds, left by fetches that failed before a restart, are swept as leftovers;
   * unset: those stay on disk.
   */
  getAll?: (options?: { signal?: AbortSignal }) => Iterable<{ cid: CID }> | AsyncIterable<{ cid: CID }>
}

export type PinAuthorization = { allowed: true } | { allowed: false, reason: string }

/** Where the pinner's structured lines go. */
export type PinLogger = Pick<Logger, 'info' | 'warn'>

export interface PinMetrics {
  /** pins accepted since start (receipts signed) */
  pins: number
  /** payload bytes of the pins accepted since start */
  bytesPinned: number
  /** pins fetching now */
  active: number
  /** pins released since start (their tasks ended) */
  released: number
  /** model pins this pinner computed itself (`rebuild`) instead of fetching them */
  rebuilt: number
  refusals: Record<PinCode, number>
}

export interface PinServiceInit {
  libp2p: Libp2p
  /** Signs receipts with the pinner's libp2p key (the one its peer ID names). */
  sign: (bytes: Uint8Array) => Uint8Array | Promise<Uint8Array>
  blocks: PinBlocks
  pins: PinSet
  verifier?: PinRequestVerifier
  limits?: Partial<ArtifactLimits>
  /** a data set (all shards of one manifest) may be at most this big @default 2 GiB */
  maxDatasetBytes?: number
  /** e.g. "is the wallet the task's creator or a provider, and is the task live" (on-chain); default: any signed request */
  authorize?: (req: PinRequest) => PinAuthorization | Promise<PinAuthorization>
  /** pins fetched at once, over all peers @default 8 */
  maxConcurrent?: number
  /**
   * requests being authorized at once (each may read the chain; more are refused as busy, since
   * a request takes no slot until it is authorized) @default 32
   */
  maxAuthorizing?: number
  /**
   * whether any signed wallet may pin for `taskId` (the relay's task 0, for what a creator
   * publishes before `createTask`): such pins hold at most `maxConcurrentOpen` slots together
   * @default none is
   */
  openTask?: (taskId: string) => boolean
  /** pins of open tasks (`openTask`) fetched at once @default half of `maxConcurrent`, at least 1 */
  maxConcurrentOpen?: number
  /** pins one libp2p peer, and one wallet, may have in progress at once @default 2 */
  maxPerPeer?: number
  /** payload bytes one wallet may have pinned for one task @default 4 GiB */
  quotaBytes?: number
  /**
   * payload bytes all wallets together may have pinned for `taskId`; undefined: no budget beyond
   * each wallet's quota. Where any fresh wallet may pin (a task being created), the wallet quota
   * alone bounds nothing, since wallets cost nothing to make.
   */
  taskBudgetBytes?: (taskId: string) => number | undefined
  /** a pin that receives no new block for this long is given up as not-found @default 30 s */
  stallTimeoutMs?: number
  /**
   * the blocks a failed fetch brought in are deleted once no fetch has asked for them for this
   * long (a retry within it finds them here), and so, counted from start, are the blocks no pin
   * held when the service started (`blocks.getAll`); at least `timeoutMs` + `stallTimeoutMs`, a
   * fetch's longest life @default 30 min
   */
  leftoverMs?: number
  /** one fetch may take this long, however steadily blocks arrive @default 10 min */
  timeoutMs?: number
  logger: PinLogger
  /**
   * Called before a model the pinner lacks is fetched: a chance to compute it from what the pinner
   * holds and store its blocks, which the fetch then finds here (node/versionRebuild.ts). Says what
   * came of it; a failure is logged and the fetch goes ahead.
   */
  rebuild?: (req: PinRequest, signal: AbortSignal) => Promise<string>
  /** the pinner's clock, unix ms, recorded as each pin's `pinnedAt` @default Date.now */
  now?: () => number
}

export interface PinService {
  /**
   * lets go of every pin held for the task (call when it ends), keeping those other tasks hold;
   * with `pinnedBefore` (unix ms), only pins made before it; with `cids`, only those; returns how many
   */
  release: (taskId: string, opts?: { pinnedBefore?: number, cids?: readonly CID[] }) => Promise<number>
  /** makes `taskId` a holder of each of `cids` pinned here (a task adopting what was published for it); returns how many */
  adopt: (taskId: string, cids: readonly CID[]) => Promise<number>
  /**
   * stores and pins a block this pinner's operator publishes itself for `taskId` (a referee's
   * evidence report, at most 1 MiB), as a raw block kept and released with the task's pins; `by`
   * is the publishing wallet, recorded as a pin request's is; returns the block's CID
   */
  keep: (taskId: string, bytes: Uint8Array, meta: { kind: string, by: string }) => Promise<CID>
  /** the tasks that have pins here, e.g. to release those that ended */
  pinnedTasks: () => Promise<string[]>
  /**
   * deletes the blocks failed fetches left that no fetch asked for within `leftoverMs` and no pin
   * holds (also run on a timer), counting as such the blocks no pin held at start (found in the
   * background, as `leftovers-found` logs); returns how many
   */
  sweepLeftovers: () => Promise<number>
  /** counters since start, for an operator's metrics endpoint */
  metrics: () => PinMetrics
  stop: () => Promise<void>
}

/** how long the requester has to send a block before the pin asks any connected peer for it */
const SESSION_BLOCK_MS = 5000

const PIN_CODES = pinResponseSchema.options[1].shape.code.options

/** Thrown into a pin's walk to refuse it; `code` is what the requester is told. */
class Refusal extends Error {
  constructor (readonly code: PinCode, message: string) {
    super(message)
  }
}

/**
 * The pinner side of `/mlbridge/pin/1.0.0`: verifies the signed request, asks `authorize`, gives
 * each peer and wallet only its share of the fetch slots, then fetches the DAG counting the bytes
 * that actually arrive (roots are not trusted), gives up on a fetch that stalls, and pins with the
 * task ID as metadata, on disk, so the data of active tasks outlives the tab that uploaded it.
 * Every refusal is logged and counted.
 */
export async function startPinService (init: PinServiceInit): Promise<PinService> {
  const verifier = init.verifier ?? createPinRequestVerifier()
  const limits: ArtifactLimits = { ...DEFAULT_LIMITS, ...init.limits }
  const maxDataset = init.maxDatasetBytes ?? 2 * 1024 ** 3
  const quotaBytes = init.quotaBytes ?? 4 * 1024 ** 3
  const stallMs = init.stallTimeoutMs ?? 30_000
  const timeoutMs = init.timeoutMs ?? 10 * 60_000
  const { logger } = init
  const now = init.now ?? Date.now
  const perPeer = init.maxPerPeer ?? 2
  const total = init.maxConcurrent ?? 8
  const slots = createPinSlots({ total, perPeer, perWallet: perPeer, open: init.maxConcurrentOpen ?? Math.max(1, Math.floor(total / 2)) })
  const stopping = new AbortController()
  // never below a fetch's longest life: a block a fetch still in flight asked for stays
  const leftoverMs = Math.max(init.leftoverMs ?? 30 * 60_000, timeoutMs + stallMs)
  // Blocks a failed fetch brought in (stalled, timed out, over quota), kept for a retry, which
  // bitswap's sender may not serve twice: CID -> when a fetch last asked for it. Without a sweep,
  // anyone sending part of a DAG and then stalling would leave its bytes on disk for good.
  // Keyed by multihash: the disk store names a block by it alone, and a block found there at start
  // must be the entry a fetch then asks for by its CID.
  const leftovers = new Map<string, { cid: CID, at: number }>()
  const startedAt = now()
  const counters = { pins: 0, bytesPinned: 0, released: 0, rebuilt: 0, refusals: Object.fromEntries(PIN_CODES.map(c => [c, 0])) as Record<PinCode, number> }

  // Bytes per task and wallet (its quota) and per task (its budget), charged to a pin's owner (its
  // metadata's taskId) and rebuilt from the pins' metadata so a restart keeps quotas. A fetch in
  // progress holds what its roots declare from admission on: usage that grew only once a fetch
  // ended would let a wallet's concurrent pins each pass the check.
  const usage = new Map<string, number>()
  const taskUsage = new Map<string, number>()
  const usageKey = (taskId: string, wallet: string): string => `${taskId}/${wallet.toLowerCase()}`
  const charge = (taskId: string, wallet: string, bytes: number): void => {
    const key = usageKey(taskId, wallet)
    usage.set(key, (usage.get(key) ?? 0) + bytes)
    taskUsage.set(taskId, (taskUsage.get(taskId) ?? 0) + bytes)
  }
  /** what a pin's metadata charges, and to whom; undefined for a pin made before sizes were recorded */
  const chargeOf = (metadata: PinMetadata): { taskId: string, wallet: string, size: number } | undefined =>
    typeof metadata.taskId === 'string' && typeof metadata.wallet === 'string' && typeof metadata.size === 'number'
      ? { taskId: metadata.taskId, wallet: metadata.wallet, size: metadata.size }
      : undefined
  // the pins at start, also what the leftover scan below walks (given to it, so freed once it ends)
  const pinnedAtStart: Array<{ cid: CID, depth: number }> = []
  for await (const { cid, depth, metadata } of init.pins.ls()) {
    pinnedAtStart.push({ cid, depth })
    const owed = chargeOf(metadata)
    if (owed !== undefined) charge(owed.taskId, owed.wallet, owed.size)
  }

  // leaves wanted at once: enough to hide round trips, few enough that oversized leaves (bitswap
  // carries blocks up to 4 MiB) cost little before the walk refuses the DAG
  const leavesAtOnce = 8

  /** Records `taskId` as a holder of a CID pinned already (for another task, or for it). */
  const holdToo = async (cid: CID, taskId: string, signal?: AbortSignal): Promise<void> => {
    const { metadata } = await init.pins.get(cid, { signal })
    if (!holdersOf(metadata).includes(taskId)) await init.pins.setMetadata(cid, { ...metadata, [`${ALSO}${taskId}`]: true }, { signal })
  }

  const turns = createPinTurns(stopping.signal)

  const fetchAndPinNow = async (req: PinRequest, peer: string, open: boolean, signal: AbortSignal, onBlock: () => void): Promise<{ size: number, blocks: number }> => {
    const cid = CID.parse(req.cid)
    if (await pinOf(init.pins, cid, signal) !== undefined) {
      // held already: re-walk the local blocks for the size (and kind), record this task as a
      // holder too, charge nothing
      const held = await fetchArtifactDag(init.blocks, cid, req.kind, { limits, maxDatasetBytes: maxDataset, signal, onBlock, concurrency: leavesAtOnce })
      await holdToo(cid, req.taskId, signal)
      return { size: held.size, blocks: 0 }
    }
    if (req.kind === 'model' && init.rebuild !== undefined) {
      const outcome = await init.rebuild(req, signal).catch((err: unknown) => `failed: ${err instanceof Error ? err.message : String(err)}`)
      if (outcome === 'rebuilt') counters.rebuilt++
      logger.info('rebuild', { taskId: req.taskId, cid: req.cid, outcome })
    }
    const key = usageKey(req.taskId, req.from)
    // bytes `admit` charged ahead of the fetch; given back below unless the pin took them over
    let reserved = 0
    // blocks this fetch brought in: deleted again if the DAG proves oversized or malformed, so a
    // lie costs no disk. Blocks of a stalled or over-quota fetch stay (unpinned) for a while: a
    // sender's bitswap does not send a block twice to the same peer, so a retry would need them;
    // the leftover sweep deletes those no fetch asked for within `leftoverMs`.
    const fresh: CID[] = []
    const source = init.blocks.from?.(peer, cid)
    let fellBack = false
    const tracked: BlockAccess = {
      get: async function * (block, options) {
        const left = leftovers.get(blockKey(block))
        if (left !== undefined) left.at = now()
        if (!await init.blocks.has(block, options)) fresh.push(block)
        // the walk's own signal (it also aborts when another leaf is refused), else the pin's
        const cut = options?.signal ?? signal
        if (source !== undefined && open) {
          // An open task's pin is its requester's own upload, fetched from the requester alone (a
          // slow one is bounded by the stall timeout): asked of every peer, a request for blocks
          // nobody has would hold a slot anyone can take until it stalled.
          try {
            yield * source.get(block, { ...options, signal: cut })
            return
          } catch (err) {
            if (cut.aborted || !(err instanceof Error && err.name === 'LoadBlockFailedError')) throw err
            throw new Refusal('not-found', `the requester did not send ${block.toString()}: a pin for task ${req.taskId} is fetched from its requester alone`)
          }
        }
        if (source !== undefined && !fellBack) {
          const deadline = AbortSignal.timeout(SESSION_BLOCK_MS)
          try {
            yield * source.get(block, { ...options, signal: AbortSignal.any([cut, deadline]) })
            return
          } catch (err) {
            // The requester answered that it lacks the block, or did not send it in time: the rest
            // of this pin asks any connected peer, as before sessions.
            if (cut.aborted || !(deadline.aborted || (err instanceof Error && err.name === 'LoadBlockFailedError'))) throw err
            fellBack = true
            logger.info('session-fallback', { peer, cid: req.cid, block: block.toString(), reason: deadline.aborted ? 'timeout' : 'not-held' })
          }
        }
        yield * init.blocks.get(block, options)
      },
      put: init.blocks.put
    }
    try {
      const dag = await fetchArtifactDag(tracked, cid, req.kind, {
        limits,
        maxDatasetBytes: maxDataset,
        signal,
        onBlock,
        concurrency: leavesAtOnce,
        admit: (declared) => {
          const used = usage.get(key) ?? 0
          if (used + declared > quotaBytes) throw new Refusal('over-quota', `wallet ${req.from} has ${used} bytes pinned or being pinned for task ${req.taskId}; ${declared} more would pass its quota of ${quotaBytes} bytes`)
          const budget = init.taskBudgetBytes?.(req.taskId)
          const taskUsed = taskUsage.get(req.taskId) ?? 0
          if (budget !== undefined && taskUsed + declared > budget) throw new Refusal('over-quota', `task ${req.taskId} has ${taskUsed} bytes pinned or being pinned by all wallets; ${declared} more would pass its budget of ${budget} bytes`)
          charge(req.taskId, req.from, declared)
          reserved = declared
        }
      })
      try {
        // Local work once fetched, so neither the stall clock nor a preemption cuts it short; only
        // a stop, or the fetch's longest life when a block that a concurrent failed fetch deleted
        // meanwhile is asked of the network. Cut, it leaves the blocks marked and no pin, which a
        // later request finds no pin for and completes.
        const walkSignal = AbortSignal.any([stopping.signal, AbortSignal.timeout(timeoutMs)])
        for await (const _ of init.pins.add(cid, { signal: walkSignal, metadata: { taskId: req.taskId, kind: req.kind, wallet: req.from, size: dag.size, pinnedAt: now() } })) { /* local blocks by now */ }
      } catch (err) {
        // another request for the same content pinned it while this one fetched: held already
        if (!(err instanceof Error && err.name === 'AlreadyPinnedError')) throw err
        await holdToo(cid, req.taskId, stopping.signal)
        return { size: dag.size, blocks: 0 }
      }
      // the reservation becomes the pin's charge, at the size counted (what its metadata says)
      charge(req.taskId, req.from, dag.size - reserved)
      reserved = 0
      return dag
    } catch (err) {
      if (!(err instanceof StorageError)) {
        for (const block of fresh) leftovers.set(blockKey(block), { cid: block, at: now() })
        throw err
      }
      for (const block of fresh) {
        try {
          await init.blocks.delete(block)
        } catch { /* pinned meanwhile by another request */ }
      }
      throw err
    } finally {
      if (reserved !== 0) charge(req.taskId, req.from, -reserved)
      source?.close()
    }
  }

  const sweepLeftovers = async (): Promise<number> => {
    let deleted = 0
    for (const [key, entry] of leftovers) {
      if (now() - entry.at < leftoverMs) continue
      // a later pin may have taken it into its DAG
      const pinned = await init.pins.isPinned(entry.cid)
      // and a fetch may have asked for it meanwhile
      if (leftovers.get(key) !== entry || now() - entry.at < leftoverMs) continue
      leftovers.delete(key)
      if (pinned) continue
      const { cid } = entry
      try {
        await init.blocks.delete(cid)
        deleted++
      } catch { /* gone already */ }
    }
    if (deleted > 0) logger.info('leftovers-swept', { blocks: deleted })
    return deleted
  }
  const sweeper = setInterval(() => { sweepLeftovers().catch(() => {}) }, Math.max(1000, leftoverMs / 2))
  sweeper.unref?.()

  // Authorized before it takes a slot, and counted as open or not by the task it was authorized
  // for: a request for a task its wallet may not pin for must not hold a slot while that is read.
  const maxAuthorizing = init.maxAuthorizing ?? 32
  let authorizing = 0
  const pin = async (req: PinRequest, peer: string): Promise<PinResponse> => {
    if (authorizing >= maxAuthorizing) return { ok: false, code: 'busy', error: `${authorizing} requests are being authorized, try again later` }
    let verdict: PinAuthorization
    authorizing++
    try {
      verdict = init.authorize == null ? { allowed: true } : await init.authorize(req)
    } catch (err) {
      return { ok: false, code: 'failed', error: err instanceof Error ? err.message : String(err) }
    } finally {
      authorizing--
    }
    if (!verdict.allowed) return { ok: false, code: 'unauthorized', error: `wallet ${req.from} may not pin for task ${req.taskId}: ${verdict.reason}` }
    const open = init.openTask?.(req.taskId) ?? false
    return await turns.run(blockKey(CID.parse(req.cid)), open, async (preempted) => await pinInSlot(req, peer, open, preempted),
      () => ({ ok: false, code: 'busy', error: `too many requests for ${req.cid} are waiting already; ask again` }))
  }

  const pinInSlot = async (req: PinRequest, peer: string, open: boolean, preempted: AbortSignal): Promise<PinResponse> => {
    const preemptedResponse = { ok: false, code: 'busy', error: `a member's request for ${req.cid} came after this one and goes first; ask again` } as const
    if (preempted.aborted) return preemptedResponse
    const slot = slots.take(peer, req.from, open)
    if (!slot.ok) return { ok: false, code: 'busy', error: slot.reason }
    const stalled = new AbortController()
    const signal = AbortSignal.any([stopping.signal, stalled.signal, preempted, AbortSignal.timeout(timeoutMs)])
    let stallTimer: ReturnType<typeof setTimeout> | undefined
    const progressed = (): void => {
      clearTimeout(stallTimer)
      stallTimer = setTimeout(() => { stalled.abort() }, stallMs)
    }
    try {
      progressed()
      const { size, blocks } = await fetchAndPinNow(req, peer, open, signal, progressed)
      const receipt = await signPinReceipt({ pinner: init.libp2p.peerId.toString(), chainId: req.chainId, from: req.from, taskId: req.taskId, kind: req.kind, cid: req.cid, size, pinnedAt: Date.now() }, init.sign)
      counters.pins++
      counters.bytesPinned += size
      logger.info('pinned', { peer, wallet: req.from, taskId: req.taskId, cid: req.cid, kind: req.kind, size, blocks })
      return { ok: true, cid: CID.parse(req.cid).toString(), size, blocks, receipt }
    } catch (err) {
      if (err instanceof Refusal) return { ok: false, code: err.code, error: err.message }
      if (err instanceof BlobTooLargeError || err instanceof DagTooLargeError) return { ok: false, code: 'too-large', error: err.message }
      if (err instanceof StorageError) return { ok: false, code: 'bad-request', error: err.message }
      if (preempted.aborted) return preemptedResponse
      if (stalled.signal.aborted) return { ok: false, code: 'not-found', error: `no new block for ${stallMs} ms: ${req.cid} is not available from any connected peer` }
      if (stopping.signal.aborted) return { ok: false, code: 'failed', error: 'the pinner is shutting down' }
      if (signal.aborted) return { ok: false, code: 'not-found', error: `could not fetch all of ${req.cid} within ${timeoutMs} ms` }
      return { ok: false, code: 'failed', error: err instanceof Error ? err.message : String(err) }
    } finally {
      clearTimeout(stallTimer)
      slot.release()
    }
  }

  const refused = (response: Extract<PinResponse, { ok: false }>, peer: string, req?: PinRequest): void => {
    counters.refusals[response.code]++
    logger.warn('pin-refused', { peer, wallet: req?.from ?? null, taskId: req?.taskId ?? null, cid: req?.cid ?? null, code: response.code, reason: response.error })
  }

  await init.libp2p.handle(PIN_PROTOCOL, async (stream, connection) => {
    const peer = connection.remotePeer.toString()
    let response: PinResponse
    let req: PinRequest | undefined
    try {
      req = await verifier.verify(await readToEnd(stream, MAX_PIN_FRAME_BYTES), peer)
      response = await pin(req, peer)
    } catch (err) {
      response = { ok: false, code: 'bad-request', error: (err instanceof Error ? err.message : String(err)).slice(0, 1000) }
    }
    if (!response.ok) {
      response.error = response.error.slice(0, 1000)
      refused(response, peer, req)
    }
    await sendAndClose(stream, new TextEncoder().encode(JSON.stringify(response))).catch(() => { /* the requester left */ })
  }, {
    // pins wait for bitswap; relayed links expire in 2 min and must stay signalling-only
    runOnLimitedConnection: false,
    maxInboundStreams: 2
  })

  // The leftovers map dies with the process: without this, the blocks of fetches that failed before
  // a restart would stay on disk for good. Found in the background, since a big store takes long to
  // list, and dated to start, so a retry after the restart still finds them. What the pins reach is
  // found by walking them, not by `isPinned`, which Helia 7.1 can get wrong for a block two pins
  // share (reachable.ts): every block on disk is a candidate here, not only fresh ones. A block
  // taken into a pin after it was found here is safe: the sweep asks the pins again before deleting.
  const findLeftovers = async (pinned: ReadonlyArray<{ cid: CID, depth: number }>): Promise<void> => {
    if (init.blocks.getAll === undefined) return
    const { signal } = stopping
    let found = 0
    try {
      const live = await reachable(pinned, init.blocks)
      for await (const { cid } of init.blocks.getAll({ signal })) {
        signal.throwIfAborted()
        const key = blockKey(cid)
        // a fetch that failed meanwhile dated it itself; a pin made since start is asked directly
        if (live.has(key) || leftovers.has(key) || await init.pins.isPinned(cid, { signal })) continue
        leftovers.set(key, { cid, at: startedAt })
        found++
      }
      logger.info('leftovers-found', { blocks: found })
    } catch (err) {
      if (signal.aborted) return
      logger.warn('leftovers-scan-failed', { blocks: found, reason: err instanceof Error ? err.message : String(err) })
    }
  }

  const scan = findLeftovers(pinnedAtStart)

  return {
    release: async (taskId, opts = {}) => {
      // A pin made before pins were dated counts as old.
      const old = (metadata: PinMetadata): boolean => opts.pinnedBefore === undefined || typeof metadata.pinnedAt !== 'number' || metadata.pinnedAt < opts.pinnedBefore
      const only = opts.cids === undefined ? undefined : new Set(opts.cids.map((cid) => cid.toString()))
      const held: Array<{ cid: CID, metadata: PinMetadata }> = []
      for await (const pin of init.pins.ls()) {
        if (holdersOf(pin.metadata).includes(taskId) && old(pin.metadata) && (only === undefined || only.has(pin.cid.toString()))) held.push(pin)
      }
      for (const pin of held) {
        const rest = withoutHolder(pin.metadata, taskId)
        if (holdersOf(rest).length > 0) await init.pins.setMetadata(pin.cid, rest)
        else for await (const _ of init.pins.rm(pin.cid)) { /* unpin */ }
        // The charge follows the owner as a restart would rebuild it: off the released task, onto
        // the holder that became the owner (if any). A pin whose owner stays is charged as before.
        const was = chargeOf(pin.metadata)
        if (was === undefined || was.taskId !== taskId) continue
        charge(was.taskId, was.wallet, -was.size)
        if (typeof rest.taskId === 'string') charge(rest.taskId, was.wallet, was.size)
      }
      const n = held.length
      counters.released += n
      logger.info('released', { taskId, pins: n })
      return n
    },
    adopt: async (taskId, cids) => {
      const wanted = new Set(cids.map((cid) => cid.toString()))
      const adopted: Array<{ cid: CID, metadata: PinMetadata }> = []
      for await (const pin of init.pins.ls()) if (wanted.has(pin.cid.toString()) && !holdersOf(pin.metadata).includes(taskId)) adopted.push(pin)
      for (const pin of adopted) await init.pins.setMetadata(pin.cid, { ...pin.metadata, [`${ALSO}${taskId}`]: true })
      if (adopted.length > 0) logger.info('adopted', { taskId, pins: adopted.length })
      return adopted.length
    },
    keep: async (taskId, bytes, meta) => {
      if (bytes.length > MAX_EVIDENCE_BYTES) throw new RangeError(`a kept block is at most ${MAX_EVIDENCE_BYTES} bytes, got ${bytes.length}`)
      const cid = await rawCid(bytes)
      if (await pinOf(init.pins, cid) !== undefined) {
        await holdToo(cid, taskId)
        return cid
      }
      await init.blocks.put(cid, bytes)
      for await (const _ of init.pins.add(cid, { metadata: { taskId, kind: meta.kind, wallet: meta.by, size: bytes.length, pinnedAt: now() } })) { /* one block */ }
      // charged as a restart would count it, so releasing it later takes off what was added
      charge(taskId, meta.by, bytes.length)
      counters.pins++
      counters.bytesPinned += bytes.length
      logger.info('kept', { wallet: meta.by, taskId, cid: cid.toString(), kind: meta.kind, size: bytes.length })
      return cid
    },
    pinnedTasks: async () => {
      const tasks = new Set<string>()
      for await (const { metadata } of init.pins.ls()) for (const task of holdersOf(metadata)) tasks.add(task)
      return [...tasks]
    },
    sweepLeftovers,
    metrics: () => ({ ...counters, active: slots.active(), refusals: { ...counters.refusals } }),
    stop: async () => {
      clearInterval(sweeper)
      stopping.abort()
      await init.libp2p.unhandle(PIN_PROTOCOL)
      // the stores close after this: no listing may outlive them
      await scan
    }
  }
}
