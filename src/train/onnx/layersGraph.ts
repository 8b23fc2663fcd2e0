/**
 * The ONNX graph (opset 13) of a stack of layers: Dense (MatMul + Add), Conv2D (Conv),
 * MaxPooling2D (MaxPool), Flatten, Dropout (left out: identity at inference), and the activations.
 * tfjs is channels-last (NHWC) and ONNX convolutions are channels-first (NCHW): the graph
 * transposes activations into NCHW before a convolution block and back to NHWC before Flatten or
 * Dense, so flattened features keep tfjs's order and Dense kernels are used unchanged. Conv kernels
 * go from [kh, kw, in, out] to [out, in, kh, kw].
 */
import type { NamedTensor } from '../../core/tensors.ts'
import { ModelSpecError, outputShape, type Activation, type Architecture, type LayerSpec } from '../../core/architecture.ts'
import { OnnxGraph, type Attribute } from './onnxGraph.ts'

export const LAYERS_OPSET = 13

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

/**
 * The graph of `arch.layers` from `input` [batch, ...inputShape] (NHWC) to `output`
 * [batch, classes]; `weight` looks a tensor up by layout name (the caller checked the layout).
 */
export function layersGraph (arch: Architecture, weight: (name: string) => NamedTensor, input: string, output: string): OnnxGraph {
  const graph = new OnnxGraph(LAYERS_OPSET)
  let current = input
  let channelsFirst = false
  const emit = (op: string, inputs: string[], attributes?: Attribute[]): void => {
    current = graph.node(op, inputs, attributes)
  }
  const toChannelsFirst = (): void => {
    if (!channelsFirst) emit('Transpose', [current], [{ name: 'perm', ints: [0, 3, 1, 2] }])
    channelsFirst = true
  }
  const toChannelsLast = (): void => {
    if (channelsFirst) emit('Transpose', [current], [{ name: 'perm', ints: [0, 2, 3, 1] }])
    channelsFirst = false
  }
  const initializer = (tensor: NamedTensor): string => graph.floats(tensor.name, tensor.shape, tensor.values)
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
  const param = (layer: LayerSpec, suffix: string): NamedTensor => weight(`${layer.name}/${suffix}`)

  arch.layers.forEach((layer, i) => {
    const inShape = outputShape(arch, i)
    switch (layer.kind) {
      case 'dense': {
        toChannelsLast()
        emit('MatMul', [current, initializer(param(layer, 'kernel'))])
        if (layer.useBias) emit('Add', [current, initializer(param(layer, 'bias'))])
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
        const kernel = param(layer, 'kernel')
        const inputs = [current, graph.floats(kernel.name, [kernel.shape[3], kernel.shape[2], kh, kw] as number[], convKernelToOihw(kernel))]
        if (layer.useBias) inputs.push(initializer(param(layer, 'bias')))
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
  if (graph.nodeCount === 0) throw new ModelSpecError('the model has no layers to export')
  graph.node('Identity', [current], [], output)
  graph.input(input, ['batch', ...arch.inputShape])
  graph.output(output, ['batch', ...outputShape(arch)])
  return graph
}
