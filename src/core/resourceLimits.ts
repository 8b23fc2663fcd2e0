/**
 * What one task may ask of a volunteer's machine: model size, memory and compute per shard, and
 * the spec's own size. Every client checks a spec against these bounds when it decodes it (the
 * wizard before publishing, a provider before it joins or trains, the viewer before it builds a
 * model), so a task cannot exhaust a volunteer's memory or GPU by asking for more.
 *
 * The costs are estimates from the architecture alone, no tfjs: activation memory counts every
 * layer's output for a batch (forward values and their gradients, float32), and compute counts
 * the multiply-adds of dense and convolution layers, three times over for the forward and
 * backward passes, for every sample of every local step.
 */
import { outputShape, type Architecture } from './architecture.ts'
import { MLBridgeError } from './errors.ts'
import type { TaskSpec } from './taskSpec.ts'
import { shapeSize } from './tensors.ts'
import { transformerActivations, transformerForwardMacs } from './transformer.ts'

export interface ResourceLimits {
  /** bytes of the spec blob */
  specBytes: number
  /** trainable parameters */
  parameters: number
  /** layers of the architecture */
  layers: number
  /** samples per inner step */
  batchSize: number
  /** inner steps per shard */
  localSteps: number
  /** samples dealt to a shard per round */
  samplesPerShard: number
  /** estimated bytes of activations and their gradients for one batch */
  activationBytes: number
  /** estimated floating-point operations to train one shard */
  trainFlops: number
}

/**
 * The protocol's bounds; `parameters`, `trainFlops` and `activationBytes` are TaskManager's
 * MAX_PARAMETERS, MAX_TRAIN_MFLOP and MAX_ACTIVATION_KIB in these units. A 1M-parameter model with batch 32 and 50 local steps uses about a
 * hundredth of the compute bound; the bounds leave room for a character transformer of a few
 * million parameters while keeping a shard within minutes on a laptop GPU.
 */
export const RESOURCE_LIMITS: ResourceLimits = {
  specBytes: 64 * 1024,
  parameters: 8_000_000,
  layers: 64,
  batchSize: 1024,
  localSteps: 10_000,
  samplesPerShard: 1 << 20,
  activationBytes: 512 * 1024 * 1024,
  trainFlops: 2e13
}

export type ResourceCost = Omit<ResourceLimits, 'specBytes'>

export class ResourceLimitError extends MLBridgeError {
  override name = 'ResourceLimitError'
  constructor (readonly exceeded: ReadonlyArray<{ name: keyof ResourceLimits, value: number, limit: number }>) {
    super('TASK_RESOURCE_LIMIT', `The task asks for more than a volunteer lends: ${exceeded.map((e) => `${e.name} ${fmt(e.value)} exceeds ${fmt(e.limit)}`).join('; ')}`)
  }
}

const fmt = (n: number): string => (Number.isInteger(n) && n < 1e15 ? n.toLocaleString('en-US') : n.toExponential(2))

/** Multiply-adds of one forward pass of one sample, by layer. */
function forwardMacs (arch: Architecture): number {
  if (arch.transformer !== undefined) return transformerForwardMacs(arch.transformer)
  let macs = 0
  arch.layers.forEach((layer, i) => {
    const input = outputShape(arch, i)
    const output = outputShape(arch, i + 1)
    if (layer.kind === 'dense') macs += (input.at(-1) ?? 0) * shapeSize(output)
    if (layer.kind === 'conv2d') macs += shapeSize(output) * layer.kernelSize[0] * layer.kernelSize[1] * (input.at(-1) ?? 0)
  })
  return macs
}

/** Floats of activations one sample keeps for the backward pass. */
function activationsPerSample (arch: Architecture): number {
  if (arch.transformer !== undefined) return transformerActivations(arch.transformer)
  let activations = shapeSize(arch.inputShape)
  for (let i = 1; i <= arch.layers.length; i++) activations += shapeSize(outputShape(arch, i))
  return activations
}

/** What training one shard of the task costs, estimated from its spec and architecture. */
export function resourceCost (spec: Pick<TaskSpec, 'training'>, arch: Architecture, parameters: number): ResourceCost {
  const { batchSize, localSteps, samplesPerShard } = spec.training
  return {
    parameters,
    layers: arch.transformer === undefined ? arch.layers.length : 2 * arch.transformer.blocks,
    batchSize,
    localSteps,
    samplesPerShard,
    activationBytes: 2 * 4 * batchSize * activationsPerSample(arch),
    trainFlops: 3 * 2 * forwardMacs(arch) * batchSize * localSteps
  }
}

/**
 * What a task declares on chain (`TaskManager.TaskParams`) about the work of one result, rounded
 * up to the contract's units. The contract keeps a declaration within the protocol's bounds; every
 * client checks the spec against it (`checkDeclaredResources`), so a creator cannot under-declare
 * to look better paid per hour than it is.
 */
export interface DeclaredResources {
  /** trainable parameters */
  parameters: number
  /** millions of floating-point operations to train one result */
  trainMflop: number
  /** KiB of activations and their gradients for one batch */
  activationKib: number
}

/** The smallest declaration that covers a cost. */
export function declaredResources (cost: Pick<ResourceCost, 'parameters' | 'trainFlops' | 'activationBytes'>): DeclaredResources {
  return {
    parameters: cost.parameters,
    trainMflop: Math.max(1, Math.ceil(cost.trainFlops / 1e6)),
    activationKib: Math.max(1, Math.ceil(cost.activationBytes / 1024))
  }
}

export class UndeclaredResourcesError extends MLBridgeError {
  override name = 'UndeclaredResourcesError'
  constructor (readonly exceeded: ReadonlyArray<{ name: keyof DeclaredResources, needed: number, declared: number }>) {
    super('TASK_RESOURCES_UNDECLARED', `The task's spec needs more than the task declares on chain: ${exceeded.map((e) => `${e.name} ${fmt(e.needed)} against ${fmt(e.declared)} declared`).join('; ')}`)
  }
}

/** Throws UndeclaredResourcesError when the spec's cost needs more than the task declared. */
export function checkDeclaredResources (declared: DeclaredResources, cost: Pick<ResourceCost, 'parameters' | 'trainFlops' | 'activationBytes'>): void {
  const needed = declaredResources(cost)
  const exceeded = (Object.keys(needed) as Array<keyof DeclaredResources>)
    .filter((name) => needed[name] > declared[name])
    .map((name) => ({ name, needed: needed[name], declared: declared[name] }))
  if (exceeded.length > 0) throw new UndeclaredResourcesError(exceeded)
}

/** Throws ResourceLimitError naming every bound the cost exceeds. */
export function checkResourceLimits (cost: Partial<Record<keyof ResourceLimits, number>>, limits: ResourceLimits = RESOURCE_LIMITS): void {
  const exceeded = (Object.keys(limits) as Array<keyof ResourceLimits>)
    .filter((name) => (cost[name] ?? 0) > limits[name])
    .map((name) => ({ name, value: cost[name] ?? 0, limit: limits[name] }))
  if (exceeded.length > 0) throw new ResourceLimitError(exceeded)
}
