/**
 * Version 0 of a task's model, built from the spec alone: every node that builds it writes the
 * same bytes, so the creator pins it and records its CID and commit hash in `createTask`.
 */
import type { Hex } from 'viem'
import { deriveSeed } from '../core/random.ts'
import type { TaskSpec } from '../core/taskSpec.ts'
import type { WeightSet } from '../core/tensors.ts'
import { architectureFromSpec } from '../core/architecture.ts'
import { initialWeights } from '../train/model.ts'
import { encodeVersion, versionCommitHash } from '../core/version/blob.ts'
import type { ArtifactStore } from './types.ts'

/** The seed of the initial weights: derived from the spec's root seed. */
export function initialModelSeed (spec: Pick<TaskSpec, 'seed'>): number {
  return deriveSeed(spec.seed, 'init')
}

export interface PublishedModel {
  modelCid: Hex
  commitHash: Hex
  weights: WeightSet
  bytes: Uint8Array
}

/** Builds the seeded initial weights (tfjs, current backend) and puts them in `store` as a version blob. */
export async function publishInitialModel (spec: TaskSpec, store: ArtifactStore, opts: { weights?: WeightSet } = {}): Promise<PublishedModel> {
  const weights = opts.weights ?? await initialWeights(architectureFromSpec(spec.model), initialModelSeed(spec))
  const bytes = encodeVersion({ weights, momentum: null })
  const modelCid = await store.put(bytes, 'model')
  return { modelCid, commitHash: await versionCommitHash(bytes), weights, bytes }
}
