/**
 * A merge of two final versions (`ModelRegistry.merge`): the head's weights and the other
 * version's, averaged tensor by tensor with the owner's weight, as a version blob. Pure: the app
 * fetches, scores and pins around it (src/app/models/computeMerge.ts), and anyone holding both
 * parents can recompute the merge's commit hash from docs/protocol.md.
 */
import type { Architecture } from '../architecture.ts'
import { errorKind } from '../errors.ts'
import { interpolateWeights, layoutDifference, type WeightLayout, type WeightSet } from '../tensors.ts'
import { encodeVersion } from './blob.ts'

export class MergeError extends errorKind('MERGE') {
  override name = 'MergeError'
}

/** What decides whether two versions can be averaged: the architecture their task specs build, and its weight layout. */
export interface MergeShape {
  architecture: Architecture
  layout: WeightLayout
}

/**
 * Why a version of shape `other` cannot be merged into a head of shape `head`, in words, or null
 * when it can: the weight shapes must match tensor for tensor, and the layers around them too (the
 * same shapes under other activations would average into a model neither parent describes).
 */
export function mergeIncompatibility (head: MergeShape, other: MergeShape): string | null {
  const difference = layoutDifference(other.layout, head.layout)
  if (difference !== null) return `its weights differ from the head's: ${difference}`
  if (JSON.stringify(other.architecture) !== JSON.stringify(head.architecture)) return 'its weight shapes match the head\'s, but its layers (activations, input or pooling) differ'
  return null
}

export interface MergedVersion {
  weights: WeightSet
  bytes: Uint8Array
}

/**
 * The merged version: `headWeight × head + (1 − headWeight) × other` per element, without
 * momentum (each parent's outer momentum follows its own trajectory; training from the merge starts
 * the outer optimizer afresh, as from a task's initial model). Refuses a weight outside 0…1 and
 * weight sets of different layouts, naming the first tensor that differs.
 */
export function mergedVersion (head: WeightSet, other: WeightSet, headWeight: number): MergedVersion {
  if (!(Number.isFinite(headWeight) && headWeight >= 0 && headWeight <= 1)) throw new MergeError(`the head's weight in a merge must be from 0 to 1, got ${headWeight}`)
  const difference = layoutDifference(other, head)
  if (difference !== null) throw new MergeError(`cannot average the two versions: the other version's weights differ from the head's: ${difference}`)
  const weights = interpolateWeights(head, other, headWeight)
  const bytes = encodeVersion({ weights, momentum: null })
  return { weights, bytes }
}
