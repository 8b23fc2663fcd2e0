/**
 * A merge the app computes rather than takes on trust: fetch both versions (each checked against
 * its commit hash), average their weights (src/core/version/merge.ts), score the result on the
 * head's task's held-out data as a round's version is scored, and pin its blob. What comes back is
 * the VersionData `ModelRegistry.merge` records; registering it is the caller's transaction.
 */
import { zeroHash, type Hex } from 'viem'
import type { VersionData, VersionState } from '../../chain/actions/index.ts'
import type { TaskDefinition } from '../../core/taskDefinition.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { versionCommitHash } from '../../core/version/blob.ts'
import { MergeError, mergedVersion, mergeIncompatibility } from '../../core/version/merge.ts'
import { versionMetrics } from '../../core/version/metrics.ts'
import type { VersionModel } from './versionModel.ts'

/** The steps a merge goes through, in order; `registering` is the caller's transaction. */
export const MERGE_STEPS = ['fetching', 'averaging', 'evaluating', 'pinning', 'registering'] as const
export type MergeStep = typeof MERGE_STEPS[number]

/** A merge's effects, given by the caller: the page's node, evaluator worker and pinning session. */
export interface MergeEffects {
  /** the version's weights, checked against its commit hash, and the task spec that describes them */
  load: (version: VersionState) => Promise<Pick<VersionModel, 'weights' | 'task'>>
  /** held-out accuracy and loss of `weights` under `task`'s architecture, on `task`'s held-out data */
  score: (task: TaskDefinition, weights: WeightSet) => Promise<{ accuracy: number, loss: number }>
  /** stores the blob and has it pinned; its CID */
  pin: (bytes: Uint8Array) => Promise<Hex>
}

export interface ComputedMerge {
  data: VersionData
  /** the measured scores, unrounded */
  scores: { accuracy: number, loss: number }
}

/**
 * Merges `other` into `head` with the head's weight `headWeight` (0…1). The merged version trains
 * on no data and applies no delta: its data hash and delta root are zero.
 */
export async function computeMerge (
  effects: MergeEffects, params: { head: VersionState, other: VersionState, headWeight: number }, onStep: (step: MergeStep) => void
): Promise<ComputedMerge> {
  const { head, other, headWeight } = params
  onStep('fetching')
  const [a, b] = await Promise.all([effects.load(head), effects.load(other)])
  const problem = mergeIncompatibility(a.task, b.task)
  if (problem !== null) throw new MergeError(`version ${other.versionId} cannot be merged into version ${head.versionId}: ${problem}`)
  onStep('averaging')
  const merged = mergedVersion(a.weights, b.weights, headWeight)
  onStep('evaluating')
  const scores = await effects.score(a.task, merged.weights)
  onStep('pinning')
  const modelCid = await effects.pin(merged.bytes)
  return { data: { modelCid, commitHash: await versionCommitHash(merged.bytes), deltaRoot: zeroHash, dataHash: zeroHash, ...versionMetrics(scores) }, scores }
}
