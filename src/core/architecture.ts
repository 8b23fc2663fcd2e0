/**
 * A model as a plain list of layers, derived from the task spec (a named template or a tfjs layers
 * JSON). The tfjs model and the ONNX graph are both built from this one description, so the two
 * can never disagree about layer order, names or weight shapes. No tfjs import here: the evaluator
 * worker exports ONNX without loading tfjs.
 */
import type { ModelSpec, TemplateModelSpec, TransformerModelSpec } from './taskSpec.ts'
import type { WeightLayout } from './tensors.ts'
import { MLBridgeError } from './errors.ts'
import { transformerLayout, type TransformerShape } from './transformer.ts'

/** A model spec (template or tfjs layers JSON) that cannot be built or exported. */
export class ModelSpecError extends MLBridgeError {
  override name = 'ModelSpecError'
  constructor (message: string) {
    super('MODEL_SPEC', message)
  }
}

export type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax'
export type Padding = 'valid' | 'same'

export type LayerSpec =
  | { kind: 'dense', name: string, units: number, activation: Activation, useBias: boolean }
  | { kind: 'conv2d', name: string, filters: number, kernelSize: [number, number], strides: [number, number], padding: Padding, activation: Activation, useBias: boolean }
  | { kind: 'maxPooling2d', name: string, poolSize: [number, number], strides: [number, number], padding: Padding }
  | { kind: 'flatten', name: string }
  | { kind: 'dropout', name: string, rate: number }
  | { kind: 'activation', name: string, activation: Activation }

export interface Architecture {
  /** one sample's shape, channels last (tfjs layout), e.g. [28, 28, 1] or [features]; a transformer's is [context] token ids */
  inputShape: number[]
  /** classes, or a transformer's vocabulary size (it predicts a token at every position) */
  classes: number
  /** the layers in order; empty for a transformer */
  layers: LayerSpec[]
  /** present for the character transformer, which is not a stack of layers (see transformer.ts) */
  transformer?: TransformerShape
}

function transformerArchitecture (model: TransformerModelSpec): Architecture {
  const { context, blocks, width, heads, mlpRatio } = model
  return { inputShape: [context], classes: model.vocabulary.length, layers: [], transformer: { vocab: model.vocabulary.length, context, blocks, width, heads, mlpRatio } }
}

const dense = (name: string, units: number, activation: Activation): LayerSpec => ({ kind: 'dense', name, units, activation, useBias: true })

function templateLayers (model: TemplateModelSpec): LayerSpec[] {
  const layers: LayerSpec[] = []
  if (model.template === 'cnn') {
    model.filters?.forEach((filters, i) => {
      const k = model.kernelSize ?? 3
      layers.push({ kind: 'conv2d', name: `conv${i + 1}`, filters, kernelSize: [k, k], strides: [1, 1], padding: 'same', activation: model.activation, useBias: true })
      layers.push({ kind: 'maxPooling2d', name: `pool${i + 1}`, poolSize: [2, 2], strides: [2, 2], padding: 'valid' })
    })
  }
  if (model.inputShape.length > 1) layers.push({ kind: 'flatten', name: 'flatten' })
  model.hidden.forEach((units, i) => layers.push(dense(`hidden${i + 1}`, units, model.activation)))
  layers.push(dense('output', model.classes, 'softmax'))
  return layers
}

export function architectureFromSpec (model: ModelSpec): Architecture {
  const inputShape = [...model.inputShape]
  if (inputShape.length === 0 || inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new ModelSpecError(`model.inputShape must be positive integers, got [${inputShape.join(', ')}]`)
  }
  if ('template' in model && model.template === 'char-transformer') return transformerArchitecture(model)
  const layers = 'layers' in model ? layersFromTfjsJson(model.layers) : templateLayers(model)
  const arch = { inputShape, classes: model.classes, layers }
  validate(arch)
  return arch
}

function validate (arch: Architecture): void {
  const names = new Set<string>()
  for (const layer of arch.layers) {
    if (names.has(layer.name)) throw new ModelSpecError(`layer name "${layer.name}" is used twice`)
    names.add(layer.name)
  }
  const out = outputShape(arch)
  if (out.length !== 1 || out[0] !== arch.classes) {
    throw new ModelSpecError(`the model outputs [${out.join(', ')}] per sample but the task has ${arch.classes} classes`)
  }
  const last = arch.layers.at(-1)
  const lastActivation = last === undefined ? undefined : 'activation' in last ? last.activation : undefined
  if (lastActivation !== 'softmax') throw new ModelSpecError('the last layer must have a softmax activation (the loss is categorical cross-entropy on probabilities)')
}

function windowOut (size: number, kernel: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1
}

/** Shape of one sample after `layers` (all layers when omitted); throws on a layer that cannot apply. */
export function outputShape (arch: Architecture, upTo = arch.layers.length): number[] {
  let shape = [...arch.inputShape]
  for (const layer of arch.layers.slice(0, upTo)) shape = layerOutput(layer, shape)
  return shape
}

function layerOutput (layer: LayerSpec, shape: number[]): number[] {
  switch (layer.kind) {
    case 'dense':
      return [...shape.slice(0, -1), layer.units]
    case 'conv2d':
    case 'maxPooling2d': {
      if (shape.length !== 3) throw new ModelSpecError(`layer "${layer.name}" needs [height, width, channels] input, got [${shape.join(', ')}]`)
      const [h, w, c] = shape as [number, number, number]
      const [kh, kw] = layer.kind === 'conv2d' ? layer.kernelSize : layer.poolSize
      const oh = windowOut(h, kh, layer.strides[0], layer.padding)
      const ow = windowOut(w, kw, layer.strides[1], layer.padding)
      if (oh <= 0 || ow <= 0) throw new ModelSpecError(`layer "${layer.name}" shrinks its input [${shape.join(', ')}] to nothing`)
      return [oh, ow, layer.kind === 'conv2d' ? layer.filters : c]
    }
    case 'flatten':
      return [shape.reduce((a, b) => a * b, 1)]
    case 'dropout':
    case 'activation':
      return shape
  }
}

/** The model's weights in tfjs order: per layer, kernel then bias. */
export function weightLayout (arch: Architecture): WeightLayout {
  if (arch.transformer !== undefined) return transformerLayout(arch.transformer)
  const out: WeightLayout = []
  let shape = [...arch.inputShape]
  for (const layer of arch.layers) {
    const inDim = shape.at(-1) ?? 0
    if (layer.kind === 'dense') {
      out.push({ name: `${layer.name}/kernel`, shape: [inDim, layer.units] })
      if (layer.useBias) out.push({ name: `${layer.name}/bias`, shape: [layer.units] })
    } else if (layer.kind === 'conv2d') {
      out.push({ name: `${layer.name}/kernel`, shape: [...layer.kernelSize, inDim, layer.filters] })
      if (layer.useBias) out.push({ name: `${layer.name}/bias`, shape: [layer.filters] })
    }
    shape = layerOutput(layer, shape)
  }
  return out
}

// ---- tfjs layers JSON (the `model.toJSON()` topology, or just its list of layers) ----

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function layerList (json: unknown): unknown[] {
  const parsed = typeof json === 'string' ? JSON.parse(json) as unknown : json
  if (Array.isArray(parsed)) return parsed
  if (isObject(parsed)) {
    const topology = isObject(parsed.modelTopology) ? parsed.modelTopology : parsed
    if (topology.class_name !== undefined && topology.class_name !== 'Sequential') {
      throw new ModelSpecError(`model.layers: only Sequential models are supported, got ${String(topology.class_name)}`)
    }
    const config = topology.config
    if (isObject(config) && Array.isArray(config.layers)) return config.layers
    if (Array.isArray(config)) return config
  }
  throw new ModelSpecError('model.layers must be a tfjs Sequential model JSON or a list of {class_name, config} layers')
}

function pair (value: unknown, where: string): [number, number] {
  const v = typeof value === 'number' ? [value, value] : value
  if (Array.isArray(v) && v.length === 2 && v.every((n) => Number.isInteger(n) && (n as number) > 0)) return v as [number, number]
  throw new ModelSpecError(`${where} must be a positive integer or a pair of them`)
}

function activation (value: unknown, where: string): Activation {
  const v = value ?? 'linear'
  if (v === 'linear' || v === 'relu' || v === 'sigmoid' || v === 'tanh' || v === 'softmax') return v
  throw new ModelSpecError(`${where}: activation "${String(v)}" is not supported (linear, relu, sigmoid, tanh, softmax)`)
}

function padding (value: unknown, where: string): Padding {
  const v = value ?? 'valid'
  if (v === 'valid' || v === 'same') return v
  throw new ModelSpecError(`${where}: padding "${String(v)}" is not supported`)
}

function positiveInt (value: unknown, where: string): number {
  if (Number.isInteger(value) && (value as number) > 0) return value as number
  throw new ModelSpecError(`${where} must be a positive integer`)
}

export function layersFromTfjsJson (json: unknown): LayerSpec[] {
  const layers: LayerSpec[] = []
  layerList(json).forEach((entry, index) => {
    if (!isObject(entry) || typeof entry.class_name !== 'string') throw new ModelSpecError(`model.layers[${index}] needs a class_name`)
    const c = isObject(entry.config) ? entry.config : {}
    const where = `model.layers[${index}] (${entry.class_name})`
    const name = typeof c.name === 'string' && c.name !== '' ? c.name : `layer${index}`
    if ((c.data_format ?? 'channels_last') !== 'channels_last') throw new ModelSpecError(`${where}: only channels_last is supported`)
    for (const key of ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']) {
      if (c[key] != null) throw new ModelSpecError(`${where}: ${key} is not supported`)
    }
    switch (entry.class_name) {
      case 'InputLayer':
        return
      case 'Dense':
        layers.push({ kind: 'dense', name, units: positiveInt(c.units, `${where}.units`), activation: activation(c.activation, where), useBias: c.use_bias !== false })
        return
      case 'Conv2D':
        if (c.dilation_rate !== undefined && pair(c.dilation_rate, `${where}.dilation_rate`).some((d) => d !== 1)) throw new ModelSpecError(`${where}: dilation is not supported`)
        layers.push({
          kind: 'conv2d',
          name,
          filters: positiveInt(c.filters, `${where}.filters`),
          kernelSize: pair(c.kernel_size, `${where}.kernel_size`),
          strides: pair(c.strides ?? 1, `${where}.strides`),
          padding: padding(c.padding, where),
          activation: activation(c.activation, where),
          useBias: c.use_bias !== false
        })
        return
      case 'MaxPooling2D': {
        const poolSize = pair(c.pool_size ?? 2, `${where}.pool_size`)
        layers.push({ kind: 'maxPooling2d', name, poolSize, strides: c.strides == null ? poolSize : pair(c.strides, `${where}.strides`), padding: padding(c.padding, where) })
        return
      }
      case 'Flatten':
        layers.push({ kind: 'flatten', name })
        return
      case 'Dropout': {
        const rate = c.rate
        if (typeof rate !== 'number' || rate < 0 || rate >= 1) throw new ModelSpecError(`${where}.rate must be in [0, 1)`)
        layers.push({ kind: 'dropout', name, rate })
        return
      }
      case 'Activation':
        layers.push({ kind: 'activation', name, activation: activation(c.activation, where) })
        return
      default:
        throw new ModelSpecError(`${where}: layer type ${entry.class_name} is not supported (Dense, Conv2D, MaxPooling2D, Flatten, Dropout, Activation)`)
    }
  })
  if (layers.length === 0) throw new ModelSpecError('model.layers has no layers')
  return layers
}
