/**
 * A model version as an ONNX model: the layers models as opset 13 (layersGraph.ts), the character
 * transformer as opset 17 (transformerGraph.ts), both built from the same Architecture as the tfjs
 * model and encoded with onnx-proto. Every graph has the input `input` (float32, [batch,
 * ...inputShape]; a transformer's holds token ids) and the output `probabilities`, so one runner
 * scores any model; the transformer also outputs `logits`.
 */
import { layoutMismatch, type NamedTensor, type WeightSet } from '../../core/tensors.ts'
import { weightLayout, type Architecture } from '../../core/architecture.ts'
import { WeightMismatchError } from '../errors.ts'
import { layersGraph } from './layersGraph.ts'
import type { ModelOptions } from './onnxGraph.ts'
import { transformerGraph } from './transformerGraph.ts'

export const ONNX_INPUT = 'input'
export const ONNX_OUTPUT = 'probabilities'
/** The transformer's pre-softmax scores, [batch, context, vocab]. */
export const ONNX_LOGITS = 'logits'

/** Serialises `weights` on `arch` to ONNX; throws WeightMismatchError when they do not fit its layout. */
export function exportOnnx (arch: Architecture, weights: WeightSet, options: ModelOptions = {}): Uint8Array {
  const problem = layoutMismatch(weights, weightLayout(arch))
  if (problem !== null) throw new WeightMismatchError(`weights do not fit the model: ${problem}`)
  const byName = new Map(weights.map((w) => [w.name, w]))
  const weight = (name: string): NamedTensor => byName.get(name) as NamedTensor
  const graph = arch.transformer !== undefined
    ? transformerGraph(arch.transformer, weight, ONNX_INPUT, { logits: ONNX_LOGITS, probabilities: ONNX_OUTPUT })
    : layersGraph(arch, weight, ONNX_INPUT, ONNX_OUTPUT)
  return graph.encode(options)
}
