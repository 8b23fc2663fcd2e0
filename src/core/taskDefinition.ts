/**
 * A task's spec decoded once: the parsed spec, the model architecture and weight layout it
 * implies, and the parameter count. Everything downstream (trainers, aggregators, viewers, the
 * simulator) takes this one value instead of re-deriving the architecture from the spec.
 */
import { architectureFromSpec, weightLayout, type Architecture } from './architecture.ts'
import { decodeTaskSpec, type TaskSpec } from './taskSpec.ts'
import { shapeSize, type WeightLayout } from './tensors.ts'

export interface TaskDefinition {
  spec: TaskSpec
  architecture: Architecture
  /** the weights every version of the task holds, in tfjs order */
  layout: WeightLayout
  parameterCount: number
}

/** Throws ModelSpecError when the spec's model cannot be built. */
export function defineTask (spec: TaskSpec): TaskDefinition {
  const architecture = architectureFromSpec(spec.model)
  const layout = weightLayout(architecture)
  return { spec, architecture, layout, parameterCount: layout.reduce((n, t) => n + shapeSize(t.shape), 0) }
}

/** The definition behind a task's spec CID, from the pinned bytes. */
export function decodeTaskDefinition (bytes: Uint8Array, source = 'task spec'): TaskDefinition {
  return defineTask(decodeTaskSpec(bytes, source))
}
