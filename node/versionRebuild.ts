/**
 * The pinner computes a round's version itself instead of fetching it. Every winner recomputes the
 * version and asks the pinner to keep it; the pinner already holds what it is computed from (the
 * parent version and every winner's sealed delta, pinned before their commits) and the chain says
 * the rest (the accepted winners and their salts). So when a winner asks to pin a model, the
 * pinner first recomputes the task's current round as a winner does (src/provider/recompute.ts)
 * and stores the result only if its CID is the one asked for: content addressing checks it, and a
 * mismatch (a stale head, a missing delta, a model that is no round's version) leaves the pin to
 * fetch from the requester as before. A version moves over the network once, when someone who did
 * not compute it fetches it, not once per round from a volunteer's uplink.
 */
import type { Hex } from 'viem'
import { readModel, readTask, readTaskCreation, readVersion, type ReadContext } from '../src/chain/actions/index.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../src/core/taskDefinition.ts'
import { computeVersion } from '../src/core/version/compute.ts'
import type { PinRequest } from '../src/core/messages/index.ts'
import { hexToCid } from '../src/provider/artifacts.ts'
import { roundReader } from '../src/provider/chain.ts'
import { checkedRoundDeltas } from '../src/provider/recompute.ts'
import { CidMismatchError, createStorage, DEFAULT_LIMITS, type BlockAccess } from '../src/storage/index.ts'

export interface VersionRebuildInit {
  chain: ReadContext
  /** the pinner's own blocks: read without the network (a missing delta ends the attempt), written when the CID matches */
  blocks: BlockAccess
}

export type RebuildOutcome = 'rebuilt' | 'mismatch' | 'not-running' | 'missing-input'

/** Tries to produce the model `req` names from what the pinner holds; says what came of it. */
export type VersionRebuild = (req: Pick<PinRequest, 'taskId' | 'cid'>, signal?: AbortSignal) => Promise<RebuildOutcome>

export function versionRebuild (init: VersionRebuildInit): VersionRebuild {
  const local: BlockAccess = { get: (cid, options) => init.blocks.get(cid, { ...options, offline: true }), put: async (cid, block, options) => await init.blocks.put(cid, block, options) }
  const { blobs } = createStorage({ blocks: local })
  const rounds = roundReader(init.chain)
  const definitions = new Map<bigint, Promise<TaskDefinition>>()
  // Per task, the last computation and the inputs it was for: every winner of a round asks for the
  // same version, and only the current round's is asked for, so one per task is kept.
  const built = new Map<bigint, { key: string, version: Promise<{ bytes: Uint8Array } | 'missing-input'> }>()

  const definitionOf = async (taskId: bigint, signal?: AbortSignal): Promise<TaskDefinition> => {
    let d = definitions.get(taskId)
    if (d === undefined) {
      d = (async () => {
        const { specCid } = await readTaskCreation(init.chain, { taskId })
        return decodeTaskDefinition(await blobs.get(hexToCid(specCid), { kind: 'spec', ...(signal === undefined ? {} : { signal }) }), `the task spec ${specCid}`)
      })()
      definitions.set(taskId, d)
      d.catch(() => { definitions.delete(taskId) })
    }
    return await d
  }

  return async (req, signal) => {
    const taskId = BigInt(req.taskId)
    // task 0 holds what no task has adopted yet (a new task's initial model, a merge)
    if (taskId === 0n) return 'not-running'
    const task = await readTask(init.chain, { taskId })
    if (task.status !== 'Running') return 'not-running'
    const round = Number(task.currentRound)
    const head = (await readModel(init.chain, { modelId: task.modelId })).head
    const accepted = await rounds.readAccepted(taskId, round)
    const key = JSON.stringify([req.taskId, round, head.toString(), accepted.map((a) => [a.shard, a.attempt, a.winnersMask])])
    let version = built.get(taskId)?.key === key ? built.get(taskId)?.version : undefined
    if (version === undefined) {
      version = (async () => {
        const opts = signal === undefined ? {} : { signal }
        try {
          const task = await definitionOf(taskId, signal)
          const parent = await blobs.get(hexToCid((await readVersion(init.chain, { versionId: head })).modelCid), { kind: 'model', ...opts })
          const fetchDelta = async (cid: Hex): Promise<Uint8Array> => await blobs.get(hexToCid(cid), { kind: 'delta', ...opts })
          const { deltas } = await checkedRoundDeltas({ chain: rounds, fetchDelta, task, limits: DEFAULT_LIMITS }, taskId, round)
          return { bytes: computeVersion(task.spec, task.layout, parent, deltas, { maxDeltaBytes: DEFAULT_LIMITS.delta, maxModelBytes: DEFAULT_LIMITS.model }).bytes }
        } catch (error) {
          // offline reads fail on a block this pinner does not hold
          if (error instanceof Error && error.name === 'NotFoundError') return 'missing-input'
          throw error
        }
      })()
      const entry = { key, version }
      built.set(taskId, entry)
      version.catch(() => { if (built.get(taskId) === entry) built.delete(taskId) })
    }
    const v = await version
    if (v === 'missing-input') return v
    try {
      await blobs.put(v.bytes, { kind: 'model', expectCid: req.cid, ...(signal === undefined ? {} : { signal }) })
      return 'rebuilt'
    } catch (error) {
      if (error instanceof CidMismatchError) return 'mismatch'
      throw error
    }
  }
}
