/**
 * The pinner computes a round's version itself instead of fetching it. Every winner recomputes the
 * version and asks the pinner to keep it; the pinner already holds what it is computed from (the
 * parent version and every winner's sealed delta, pinned before their commits) and the chain says
 * the rest (the accepted winners and their salts). So when a winner asks to pin a model, the
 * pinner first recomputes the task's current round as a winner does (src/provider/recompute.ts)
 * and stores the result only if its CID is the one asked for: content addressing checks it, and a
 * mismatch (a stale head, a missing delta, a model that is no round's version) leaves the pin to
 * fetch from the requester as before. A version moves over the network once, when someone who did
 * not compute it fetches it, not once per round from a volunteer's uplink. The price is the
 * pinner's: one computation per task each time a round's accepted shards change, on its thread
 * (a winner's work: decoding, checking and averaging the round's deltas).
 */
import * as dagCbor from '@ipld/dag-cbor'
import { CID } from 'multiformats/cid'
import type { Hex } from 'viem'
import { readModel, readTask, readTaskCreation, readVersion, type AcceptedShard, type ReadContext } from '../src/chain/actions/index.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../src/core/taskDefinition.ts'
import { computeVersion } from '../src/core/version/compute.ts'
import type { PinRequest } from '../src/core/messages/index.ts'
import { hexToCid } from '../src/provider/artifacts.ts'
import { roundReader } from '../src/provider/chain.ts'
import { checkedRoundDeltas } from '../src/provider/recompute.ts'
import { createStorage, DEFAULT_LIMITS, type BlockAccess } from '../src/storage/index.ts'

export interface VersionRebuildInit {
  chain: ReadContext
  /** the pinner's own blocks: read without the network (a missing delta ends the attempt), written when the CID matches */
  blocks: BlockAccess
}

export type RebuildOutcome = 'rebuilt' | 'mismatch' | 'not-running' | 'missing-input'

/** Tries to produce the model `req` names from what the pinner holds; says what came of it. */
export type VersionRebuild = (req: Pick<PinRequest, 'taskId' | 'cid'>, signal?: AbortSignal) => Promise<RebuildOutcome>

/** Tasks whose last computed version is remembered; a pinner serves a few live tasks at a time. */
const REMEMBERED_TASKS = 16

/** What the offline reads throw for a block this pinner does not hold (Helia's error names). */
const NOT_HELD = new Set(['NotFoundError', 'BlockNotFoundWhileOfflineError'])

export function versionRebuild (init: VersionRebuildInit): VersionRebuild {
  const local: BlockAccess = { get: (cid, options) => init.blocks.get(cid, { ...options, offline: true }), put: async (cid, block, options) => await init.blocks.put(cid, block, options) }
  const { blobs } = createStorage({ blocks: local })
  // the same chunking with nothing stored: a computed version's CID, before it is compared
  const { blobs: cidOnly } = createStorage({ blocks: { get: () => { throw new Error('write-only') }, put: () => {} } })
  const rounds = roundReader(init.chain)
  const definitions = new Map<bigint, Promise<TaskDefinition>>()
  // Per task, the last computation and the inputs it was for: every winner of a round asks for
  // the same version. The bytes are let go once stored; the CID answers later requests.
  const built = new Map<bigint, { key: string, version: Promise<Computed | 'missing-input'> }>()

  const definitionOf = async (taskId: bigint): Promise<TaskDefinition> => {
    let d = definitions.get(taskId)
    if (d === undefined) {
      d = (async () => {
        const { specCid } = await readTaskCreation(init.chain, { taskId })
        return decodeTaskDefinition(await blobs.get(hexToCid(specCid), { kind: 'spec' }), `the task spec ${specCid}`)
      })()
      definitions.set(taskId, d)
      d.catch(() => { definitions.delete(taskId) })
    }
    return await d
  }

  // No caller's signal: every request for the round shares it, and one leaving must not fail the others.
  // `accepted` is what the cache key was made of: the chain is not asked for it again.
  const compute = async (taskId: bigint, round: number, head: bigint, accepted: AcceptedShard[]): Promise<Computed | 'missing-input'> => {
    try {
      const task = await definitionOf(taskId)
      const parent = await blobs.get(hexToCid((await readVersion(init.chain, { versionId: head })).modelCid), { kind: 'model' })
      const fetchDelta = async (cid: Hex): Promise<Uint8Array> => await blobs.get(hexToCid(cid), { kind: 'delta' })
      const chain = { ...rounds, readAccepted: async () => accepted }
      const { deltas } = await checkedRoundDeltas({ chain, fetchDelta, task, limits: DEFAULT_LIMITS }, taskId, round)
      const { bytes } = computeVersion(task.spec, task.layout, parent, deltas, { maxDeltaBytes: DEFAULT_LIMITS.delta, maxModelBytes: DEFAULT_LIMITS.model })
      return { cid: (await cidOnly.put(bytes, { kind: 'model' })).toString(), bytes }
    } catch (error) {
      if (error instanceof Error && NOT_HELD.has(error.name)) return 'missing-input'
      throw error
    }
  }

  return async (req, signal) => {
    const taskId = BigInt(req.taskId)
    // task 0 holds what no task has adopted yet (a new task's initial model, a merge); a version blob's root is dag-cbor
    if (taskId === 0n) return 'not-running'
    const wanted = CID.parse(req.cid)
    if (wanted.code !== dagCbor.code) return 'mismatch'
    const task = await readTask(init.chain, { taskId })
    if (task.status !== 'Running') {
      built.delete(taskId)
      definitions.delete(taskId)
      return 'not-running'
    }
    const round = Number(task.currentRound)
    const head = (await readModel(init.chain, { modelId: task.modelId })).head
    const accepted = await rounds.readAccepted(taskId, round)
    const key = JSON.stringify([round, head.toString(), accepted.map((a) => [a.shard, a.attempt, a.winnersMask])])
    let entry = built.get(taskId)
    if (entry === undefined || entry.key !== key) {
      const version = compute(taskId, round, head, accepted)
      const fresh = { key, version }
      entry = fresh
      built.delete(taskId)
      built.set(taskId, fresh)
      version.catch(() => { if (built.get(taskId) === fresh) built.delete(taskId) })
      if (built.size > REMEMBERED_TASKS) built.delete(built.keys().next().value as bigint)
    }
    const v = await entry.version
    if (v === 'missing-input') return v
    if (v.cid !== wanted.toString()) return 'mismatch'
    // stored already and let go (its pin released since): compute it again on the next request
    if (v.bytes === undefined) {
      built.delete(taskId)
      return 'missing-input'
    }
    await blobs.put(v.bytes, { kind: 'model', expectCid: req.cid, ...(signal === undefined ? {} : { signal }) })
    v.bytes = undefined
    return 'rebuilt'
  }
}

interface Computed {
  /** the version's blob CID, as a string */
  cid: string
  bytes: Uint8Array | undefined
}
