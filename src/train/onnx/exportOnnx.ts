/**
 * A model version as an ONNX ModelProto (opset 13), written by hand for the layers the engine
 * builds: Dense (MatMul + Add), Conv2D (Conv), MaxPooling2D (MaxPool), Flatten, Dropout (left out:
 * identity at inference), and the activations. tfjs is channels-last (NHWC) and ONNX convolutions
 * are channels-first (NCHW): the graph transposes activations into NCHW before a convolution block
 * and back to NHWC before Flatten or Dense, so flattened features keep tfjs's order and Dense
 * kernels are used unchanged. Conv kernels go from [kh, kw, in, out] to [out, in, kh, kw].
 */
import { layoutMismatch, type NamedTensor, type WeightSet } from '../../core/tensors.ts'
import { ModelSpecError, outputShape, weightLayout, type Activation, type Architecture, type LayerSpec } from '../../core/architecture.ts'

import { WeightMismatchError } from '../errors.ts'
import { ProtoWriter } from './protobuf.ts'

export const ONNX_OPSET = 13
const IR_VERSION = 8
const FLOAT = 1
const ATTR = { INT: 2, STRING: 3, INTS: 7 } as const

export const ONNX_INPUT = 'input'
export const ONNX_OUTPUT = 'probabilities'

type Attribute = { name: string, int: number } | { name: string, ints: number[] } | { name: string, string: string }

interface Node {
  op: string
  inputs: string[]
  output: string
  attributes?: Attribute[]
}

function encodeAttribute (a: Attribute): Uint8Array {
  const w = new ProtoWriter().string(1, a.name)
  if ('int' in a) w.int(3, a.int).int(20, ATTR.INT)
  else if ('ints' in a) w.ints(8, a.ints).int(20, ATTR.INTS)
  else w.string(4, a.string).int(20, ATTR.STRING)
  return w.finish()
}

function encodeNode (node: Node, index: number): Uint8Array {
  return new ProtoWriter()
    .strings(1, node.inputs)
    .strings(2, [node.output])
    .string(3, `${node.op}_${index}`)
    .string(4, node.op)
    .messages(5, (node.attributes ?? []).map(encodeAttribute))
    .finish()
}

function encodeTensor (name: string, dims: number[], values: Float32Array): Uint8Array {
  // raw_data is little-endian, as typed arrays are on every platform browsers run on. The copy
  // makes the bytes exactly this tensor's, whatever view the caller passed.
  const raw = new Uint8Array(values.slice().buffer)
  return new ProtoWriter().ints(1, dims).int(2, FLOAT).string(8, name).bytes(9, raw).finish()
}

function encodeValueInfo (name: string, dims: Array<number | string>): Uint8Array {
  const shape = new ProtoWriter().messages(1, dims.map((d) => typeof d === 'number' ? new ProtoWriter().int(1, d).finish() : new ProtoWriter().string(2, d).finish())).finish()
  const tensorType = new ProtoWriter().int(1, FLOAT).bytes(2, shape).finish()
  const type = new ProtoWriter().bytes(1, tensorType).finish()
  return new ProtoWriter().string(1, name).bytes(2, type).finish()
}

/** [kh, kw, in, out] -> [out, in, kh, kw] */
function convKernelToOihw (kernel: NamedTensor): Float32Array {
  const [kh, kw, cin, cout] = kernel.shape as [number, number, number, number]
  const out = new Float32Array(kernel.values.length)
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          out[((o * cin + i) * kh + y) * kw + x] = kernel.values[((y * kw + x) * cin + i) * cout + o] as number
        }
      }
    }
  }
  return out
}

/** TensorFlow's SAME padding: the odd pixel goes after, like ONNX SAME_UPPER, but spelled out. */
function samePads (inSize: number, outSize: number, kernel: number, stride: number): [number, number] {
  const total = Math.max((outSize - 1) * stride + kernel - inSize, 0)
  const before = Math.floor(total / 2)
  return [before, total - before]
}

const ACTIVATION_OPS: Record<Exclude<Activation, 'linear'>, string> = { relu: 'Relu', sigmoid: 'Sigmoid', tanh: 'Tanh', softmax: 'Softmax' }

export interface ExportOnnxOptions {
  producerVersion?: string
  /** stored as the graph's doc string, e.g. the version's CID */
  docString?: string
}

/** Serialises `weights` on `arch` to ONNX. Input `input` is [batch, ...inputShape] (NHWC), output `probabilities`. */
export function exportOnnx (arch: Architecture, weights: WeightSet, options: ExportOnnxOptions = {}): Uint8Array {
  const problem = layoutMismatch(weights, weightLayout(arch))
  if (problem !== null) throw new WeightMismatchError(`weights do not fit the model: ${problem}`)
  const byName = new Map(weights.map((w) => [w.name, w]))
  const nodes: Node[] = []
  const initializers: Uint8Array[] = []
  let current = ONNX_INPUT
  let channelsFirst = false
  let counter = 0
  const emit = (op: string, inputs: string[], attributes?: Attribute[]): string => {
    const output = `t${counter++}_${op.toLowerCase()}`
    nodes.push({ op, inputs, output, ...(attributes === undefined ? {} : { attributes }) })
    current = output
    return output
  }
  const toChannelsFirst = (): void => {
    if (!channelsFirst) emit('Transpose', [current], [{ name: 'perm', ints: [0, 3, 1, 2] }])
    channelsFirst = true
  }
  const toChannelsLast = (): void => {
    if (channelsFirst) emit('Transpose', [current], [{ name: 'perm', ints: [0, 2, 3, 1] }])
    channelsFirst = false
  }
  const initializer = (name: string, dims: number[], values: Float32Array): string => {
    initializers.push(encodeTensor(name, dims, values))
    return name
  }
  const activate = (activation: Activation): void => {
    if (activation === 'linear') return
    if (activation === 'softmax') {
      // Softmax runs over the feature axis, which must be last as in tfjs.
      toChannelsLast()
      emit('Softmax', [current], [{ name: 'axis', int: -1 }])
    } else {
      emit(ACTIVATION_OPS[activation], [current])
    }
  }
  const weight = (layer: LayerSpec, suffix: string): NamedTensor => byName.get(`${layer.name}/${suffix}`) as NamedTensor

  arch.layers.forEach((layer, i) => {
    const inShape = outputShape(arch, i)
    switch (layer.kind) {
      case 'dense': {
        toChannelsLast()
        const kernel = weight(layer, 'kernel')
        emit('MatMul', [current, initializer(kernel.name, kernel.shape, kernel.values)])
        if (layer.useBias) {
          const bias = weight(layer, 'bias')
          emit('Add', [current, initializer(bias.name, bias.shape, bias.values)])
        }
        activate(layer.activation)
        return
      }
      case 'conv2d':
      case 'maxPooling2d': {
        const outShape = outputShape(arch, i + 1)
        const [kh, kw] = layer.kind === 'conv2d' ? layer.kernelSize : layer.poolSize
        const [sh, sw] = layer.strides
        const [top, bottom] = layer.padding === 'same' ? samePads(inShape[0] as number, outShape[0] as number, kh, sh) : [0, 0]
        const [left, right] = layer.padding === 'same' ? samePads(inShape[1] as number, outShape[1] as number, kw, sw) : [0, 0]
        const attributes: Attribute[] = [
          { name: 'kernel_shape', ints: [kh, kw] },
          { name: 'strides', ints: [sh, sw] },
          { name: 'pads', ints: [top, left, bottom, right] }
        ]
        toChannelsFirst()
        if (layer.kind === 'maxPooling2d') {
          emit('MaxPool', [current], attributes)
          return
        }
        const kernel = weight(layer, 'kernel')
        const inputs = [current, initializer(kernel.name, [kernel.shape[3], kernel.shape[2], kh, kw] as number[], convKernelToOihw(kernel))]
        if (layer.useBias) {
          const bias = weight(layer, 'bias')
          inputs.push(initializer(bias.name, bias.shape, bias.values))
        }
        emit('Conv', inputs, attributes)
        activate(layer.activation)
        return
      }
      case 'flatten':
        toChannelsLast()
        emit('Flatten', [current], [{ name: 'axis', int: 1 }])
        return
      case 'dropout':
        return
      case 'activation':
        activate(layer.activation)
    }
  })
  toChannelsLast()
  if (nodes.length === 0) throw new ModelSpecError('the model has no layers to export')
  emit('Identity', [current])
  ;(nodes.at(-1) as Node).output = ONNX_OUTPUT

  const graph = new ProtoWriter()
    .messages(1, nodes.map(encodeNode))
    .string(2, 'ml-bridge')
    .messages(5, initializers)
    .string(10, options.docString ?? '')
    .messages(11, [encodeValueInfo(ONNX_INPUT, ['batch', ...arch.inputShape])])
    .messages(12, [encodeValueInfo(ONNX_OUTPUT, ['batch', ...outputShape(arch)])])
    .finish()
  const opset = new ProtoWriter().string(1, '').int(2, ONNX_OPSET).finish()
  return new ProtoWriter()
    .int(1, IR_VERSION)
    .string(2, 'ml-bridge')
    .string(3, options.producerVersion ?? '1')
    .bytes(7, graph)
    .messages(8, [opset])
    .finish()
}
