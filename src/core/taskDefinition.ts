/**
 * A task's spec decoded once: the parsed spec, the model architecture and weight layout it
 * implies, and the parameter count. Everything downstream (trainers, aggregators, viewers, the
 * simulator) takes this one value instead of re-deriving the architecture from the spec.
 */
import { architectureFromSpec, weightLayout, type Architecture } from './architecture.ts'
import { checkResourceLimits, resourceCost, type ResourceCost } from './resourceLimits.ts'
import { decodeTaskSpec, type TaskSpec } from './taskSpec.ts'
import { shapeSize, type WeightLayout } from './tensors.ts'

export interface TaskDefinition {
  spec: TaskSpec
  architecture: Architecture
  /** the weights every version of the task holds, in tfjs order */
  layout: WeightLayout
  parameterCount: number
  /** what training one shard costs, within RESOURCE_LIMITS */
  cost: ResourceCost
}

/**
 * Throws ModelSpecError when the spec's model cannot be built, and ResourceLimitError when
 * training it would ask more of a volunteer than the protocol's bounds allow.
 */
export function defineTask (spec: TaskSpec): TaskDefinition {
  const architecture = architectureFromSpec(spec.model)
  const layout = weightLayout(architecture)
  const parameterCount = layout.reduce((n, t) => n + shapeSize(t.shape), 0)
  const cost = resourceCost(spec, architecture, parameterCount)
  checkResourceLimits(cost)
  return { spec, architecture, layout, parameterCount, cost }
}

/** The definition behind a task's spec CID, from the pinned bytes. */
export function decodeTaskDefinition (bytes: Uint8Array, source = 'task spec'): TaskDefinition {
  checkResourceLimits({ specBytes: bytes.length })
  return defineTask(decodeTaskSpec(bytes, source))
}
