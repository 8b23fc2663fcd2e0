/**
 * The ONNX graph (opset 17) of the character transformer, node for node the equations of
 * src/core/transformer.ts as src/train/lm/transformer.ts computes them in tfjs:
 *
 * - token ids arrive as float32 [batch, context] (the evaluator's one input type), are cast to
 *   int64 and embedded with Gather (tfjs multiplies a one-hot: the same numbers);
 * - LayerNormalization (opset 17) with LAYER_NORM_EPSILON over the last axis;
 * - attention splits the fused qkv into [3, batch, heads, context, head size] with one Reshape and
 *   one Transpose, scales q kᵀ by 1/sqrt(head size), adds a [context, context] initializer holding
 *   CAUSAL_MASK above the diagonal, and joins the heads back the way tfjs does;
 * - GELU is the tanh approximation from Pow, Mul, Add and Tanh in tfjs's order of operations
 *   (ONNX's own Gelu op needs opset 20);
 * - outputs: `logits` [batch, context, vocab] and their Softmax.
 */
import type { NamedTensor } from '../../core/tensors.ts'
import { blockPrefix, CAUSAL_MASK, LAYER_NORM_EPSILON, type TransformerShape } from '../../core/transformer.ts'
import { INT64, OnnxGraph } from './onnxGraph.ts'

export const TRANSFORMER_OPSET = 17

const GELU_C = Math.sqrt(2 / Math.PI)

/** [t, t]: 0 on and below the diagonal, CAUSAL_MASK above it. */
function causalMask (t: number): Float32Array {
  const values = new Float32Array(t * t)
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) values[i * t + j] = CAUSAL_MASK
  return values
}

/**
 * The graph from `input` (token ids, [batch, context]) to `logits` and `probabilities`
 * ([batch, context, vocab]); `weight` looks a tensor up by layout name (the caller checked the layout).
 */
export function transformerGraph (s: TransformerShape, weight: (name: string) => NamedTensor, input: string, outputs: { logits: string, probabilities: string }): OnnxGraph {
  const graph = new OnnxGraph(TRANSFORMER_OPSET)
  const { context: t, width: d, heads: h } = s
  const dh = d / h
  const param = (name: string): string => {
    const w = weight(name)
    return graph.floats(w.name, w.shape, w.values)
  }
  const dense = (name: string, x: string, output?: string): string =>
    graph.node('Add', [graph.node('MatMul', [x, param(`${name}/kernel`)]), param(`${name}/bias`)], [], output)
  const layerNorm = (name: string, x: string): string =>
    graph.node('LayerNormalization', [x, param(`${name}/gamma`), param(`${name}/beta`)], [{ name: 'axis', int: -1 }, { name: 'epsilon', float: LAYER_NORM_EPSILON }])

  const mask = graph.floats('attention/causal_mask', [t, t], causalMask(t))
  const scale = graph.scalar('attention/scale', 1 / Math.sqrt(dh))
  // Reshape's 0 keeps that dimension of the input: the batch stays whatever it is at run time.
  const splitShape = graph.int64s('attention/split_shape', [5], [0, 0, 3, h, dh])
  const joinShape = graph.int64s('attention/join_shape', [3], [0, 0, d])
  const part = ['q', 'k', 'v'].map((name, i) => graph.int64s(`attention/${name}_index`, [], [i]))
  const three = graph.scalar('gelu/three', 3)
  const cubic = graph.scalar('gelu/cubic', 0.044715)
  const c = graph.scalar('gelu/sqrt_2_over_pi', GELU_C)
  const half = graph.scalar('gelu/half', 0.5)
  const one = graph.scalar('gelu/one', 1)

  /** 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), grouped as tfjs groups it. */
  const gelu = (x: string): string => {
    const inner = graph.node('Mul', [graph.node('Add', [x, graph.node('Mul', [graph.node('Pow', [x, three]), cubic])]), c])
    return graph.node('Mul', [graph.node('Mul', [x, half]), graph.node('Add', [graph.node('Tanh', [inner]), one])])
  }

  const attention = (prefix: string, u: string): string => {
    const qkv = dense(`${prefix}/attn/qkv`, u) // [b, t, 3d], columns q | k | v, each head by head
    const split = graph.node('Transpose', [graph.node('Reshape', [qkv, splitShape])], [{ name: 'perm', ints: [2, 0, 3, 1, 4] }]) // [3, b, h, t, dh]
    const [q, k, v] = part.map((index) => graph.node('Gather', [split, index], [{ name: 'axis', int: 0 }])) as [string, string, string]
    const kT = graph.node('Transpose', [k], [{ name: 'perm', ints: [0, 1, 3, 2] }])
    const scores = graph.node('Add', [graph.node('Mul', [graph.node('MatMul', [q, kT]), scale]), mask])
    const weighted = graph.node('MatMul', [graph.node('Softmax', [scores], [{ name: 'axis', int: -1 }]), v]) // [b, h, t, dh]
    const joined = graph.node('Reshape', [graph.node('Transpose', [weighted], [{ name: 'perm', ints: [0, 2, 1, 3] }]), joinShape])
    return dense(`${prefix}/attn/proj`, joined)
  }

  const ids = graph.node('Cast', [input], [{ name: 'to', int: INT64 }])
  let x = graph.node('Add', [graph.node('Gather', [param('tok/embedding'), ids], [{ name: 'axis', int: 0 }]), param('pos/embedding')])
  for (let block = 0; block < s.blocks; block++) {
    const p = blockPrefix(block)
    x = graph.node('Add', [x, attention(p, layerNorm(`${p}/ln1`, x))])
    x = graph.node('Add', [x, dense(`${p}/mlp/proj`, gelu(dense(`${p}/mlp/fc`, layerNorm(`${p}/ln2`, x))))])
  }
  const logits = dense('head', layerNorm('lnf', x), outputs.logits)
  graph.node('Softmax', [logits], [{ name: 'axis', int: -1 }], outputs.probabilities)

  graph.input(input, ['batch', t])
  graph.output(outputs.logits, ['batch', t, s.vocab])
  graph.output(outputs.probabilities, ['batch', t, s.vocab])
  return graph
}
