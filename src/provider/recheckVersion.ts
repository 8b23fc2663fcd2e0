/**
 * A version checked against its round: the round recomputed from the chain and the artifacts
 * (recompute.ts) and compared with what the registry records, and the model's bytes against the
 * commit hash. The referee judges a challenged version this way; the auditor (`npm run audit`)
 * checks every version of a task.
 */
import type { Address, Hex } from 'viem'
import { MLBridgeError } from '../core/errors.ts'
import type { TaskDefinition } from '../core/taskDefinition.ts'
import { hasCommitHash } from '../core/version/blob.ts'
import { versionClaim } from '../core/version/challengeClaim.ts'
import { readVersion, type ReadContext, type VersionState } from '../chain/actions/index.ts'
import type { ArtifactLimits } from '../storage/limits.ts'
import type { RoundReader } from './chain.ts'
import { recomputeRound } from './recompute.ts'
import type { ArtifactStore } from './types.ts'

/** Where a version can differ from its recomputation. */
export type VersionField = 'commit hash' | 'delta root' | 'data hash' | 'model bytes'

export interface RecheckDeps {
  read: ReadContext
  rounds: RoundReader
  artifacts: ArtifactStore
  task: TaskDefinition
  /** the training split's size (the sampler draws shard indices from it) */
  dataSize: number
  /** the task's shard count */
  shards: number
  limits: Pick<ArtifactLimits, 'delta' | 'model'>
  signal?: AbortSignal
  /**
   * A version's model as readVersionModel gives it (the default): the auditor passes one that
   * fetches each model once, for the version itself and for the versions that name it as parent.
   */
  model?: (versionId: bigint) => Promise<Uint8Array>
}

/**
 * A version's model, refused (MODEL_MISMATCH) unless its bytes hash to the version's commit hash;
 * `version` spares the chain read where the caller has already read it.
 */
export async function readVersionModel (deps: Pick<RecheckDeps, 'read' | 'artifacts' | 'signal'>, versionId: bigint, version?: Pick<VersionState, 'modelCid' | 'commitHash'>): Promise<Uint8Array> {
  const { modelCid, commitHash } = version ?? await readVersion(deps.read, { versionId })
  const bytes = await deps.artifacts.get(modelCid, 'model', deps.signal === undefined ? {} : { signal: deps.signal })
  if (!(await hasCommitHash(bytes, commitHash))) {
    throw new MLBridgeError('MODEL_MISMATCH', `the model behind ${modelCid} does not match version ${versionId}'s commit hash ${commitHash}`)
  }
  return bytes
}

export interface Recheck {
  /** the fields in which the version differs from its recomputation; empty when it is exact */
  differences: VersionField[]
  /** `versionClaim` of the recomputation: what a rightful challenger of the version claimed */
  claim: Hex
  /** the round's winners (recompute.ts), for whoever checks who signed the version */
  winners: Address[]
}

/** `version` (of round `version.round`) compared with its recomputation. */
export async function recheckVersion (deps: RecheckDeps, version: VersionState): Promise<Recheck> {
  const signal = deps.signal === undefined ? {} : { signal: deps.signal }
  const model = deps.model ?? (async (versionId: bigint) => await readVersionModel(deps, versionId, versionId === version.versionId ? version : undefined))
  const recomputed = await recomputeRound({
    chain: deps.rounds,
    fetchDelta: async (cid) => await deps.artifacts.get(cid, 'delta', signal),
    task: deps.task, dataSize: deps.dataSize, shards: deps.shards, limits: deps.limits
  }, version.taskId, Number(version.round), await model(version.parent))
  const differences: VersionField[] = []
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
  if (!same(recomputed.commitHash, version.commitHash)) differences.push('commit hash')
  if (!same(recomputed.deltaRoot, version.deltaRoot)) differences.push('delta root')
  if (!same(recomputed.dataHash, version.dataHash)) differences.push('data hash')
  try {
    await model(version.versionId)
  } catch (error) {
    if (!(error instanceof MLBridgeError && error.code === 'MODEL_MISMATCH')) throw error
    differences.push('model bytes')
  }
  const claim = versionClaim({ commitHash: recomputed.commitHash, deltaRoot: recomputed.deltaRoot, dataHash: recomputed.dataHash })
  return { differences, claim, winners: recomputed.winners }
}
