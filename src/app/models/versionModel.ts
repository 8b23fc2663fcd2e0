/**
 * A version's model, fetched and checked: the blob by its CID, its keccak256 against the commit
 * hash on chain (a blob that does not match is refused), the weights decoded against the
 * architecture of the task's spec.
 */
import type { Hex } from 'viem'
import { readModel, readTaskCreation, readVersion, type ReadContext, type VersionState } from '../../chain/actions/index.ts'
import { MLBridgeError } from '../../core/errors.ts'
import { decodeTaskDefinition, type TaskDefinition } from '../../core/taskDefinition.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { decodeVersion, versionCommitHash } from '../../core/version/blob.ts'
import type { ArtifactStore } from '../../provider/types.ts'

export class CommitHashMismatchError extends MLBridgeError {
  override name = 'CommitHashMismatchError'
  constructor (readonly versionId: bigint, readonly onChain: Hex, readonly fetched: Hex) {
    super('COMMIT_HASH_MISMATCH', `the model blob of version ${versionId} hashes to ${fetched}, not the commit hash ${onChain} on chain: refusing to use it`)
  }
}

export class NoTaskError extends MLBridgeError {
  override name = 'NoTaskError'
  constructor (readonly versionId: bigint) {
    super('VERSION_WITHOUT_TASK', `version ${versionId} belongs to no task, so there is no task spec to build its architecture from`)
  }
}

/** Throws CommitHashMismatchError unless `bytes` are the blob the chain committed to. */
export async function checkCommitHash (versionId: bigint, bytes: Uint8Array, onChain: Hex): Promise<void> {
  const fetched = await versionCommitHash(bytes)
  if (fetched !== onChain.toLowerCase()) throw new CommitHashMismatchError(versionId, onChain, fetched)
}

export interface TaskLookup {
  readVersion: (versionId: bigint) => Promise<Pick<VersionState, 'versionId' | 'taskId' | 'modelId' | 'parent'>>
  readModelTask: (modelId: bigint) => Promise<bigint>
}

/**
 * The task whose spec describes a version. Task rounds record it; a genesis version takes its
 * model's task; forks and merges carry no task, so their first parent's is used (the weights have
 * the same layout along a lineage).
 */
export async function taskIdOf (version: Pick<VersionState, 'versionId' | 'taskId' | 'modelId' | 'parent'>, lookup: TaskLookup): Promise<bigint> {
  let current = version
  for (;;) {
    if (current.taskId !== 0n) return current.taskId
    const modelTask = await lookup.readModelTask(current.modelId)
    if (modelTask !== 0n) return modelTask
    if (current.parent === 0n) throw new NoTaskError(version.versionId)
    current = await lookup.readVersion(current.parent)
  }
}

export interface VersionModel {
  bytes: Uint8Array
  /** the commit hash on chain the bytes hash to */
  commitHash: Hex
  weights: WeightSet
  /** the task whose spec describes the version's model */
  task: TaskDefinition
  taskId: bigint
}

export async function loadVersionModel (ctx: ReadContext, artifacts: Pick<ArtifactStore, 'get'>, version: VersionState, signal?: AbortSignal): Promise<VersionModel> {
  const bytes = await artifacts.get(version.modelCid, 'model', signal === undefined ? {} : { signal })
  await checkCommitHash(version.versionId, bytes, version.commitHash)
  const { task, taskId } = await loadVersionTask(ctx, artifacts, version, signal)
  const { weights } = decodeVersion(bytes, { layout: task.layout })
  return { bytes, commitHash: version.commitHash, weights, task, taskId }
}

/** The spec of the task that describes the version's model (see taskIdOf), fetched and decoded. */
export async function loadVersionTask (ctx: ReadContext, artifacts: Pick<ArtifactStore, 'get'>, version: VersionState, signal?: AbortSignal): Promise<{ task: TaskDefinition, taskId: bigint }> {
  const taskId = await taskIdOf(version, {
    readVersion: async (versionId) => await readVersion(ctx, { versionId }),
    readModelTask: async (modelId) => (await readModel(ctx, { modelId })).taskId
  })
  const { specCid } = await readTaskCreation(ctx, { taskId })
  const task = decodeTaskDefinition(await artifacts.get(specCid, 'spec', signal === undefined ? {} : { signal }), `the task spec ${specCid}`)
  return { task, taskId }
}
