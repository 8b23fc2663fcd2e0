/**
 * The character transformer in tfjs: one function from parameters and token ids to logits,
 * written against the layout and the equations of src/core/transformer.ts (the ONNX graph follows
 * the same ones). tfjs-layers cannot express it (no exported attention layer, no residuals in a
 * Sequential), and a plain function needs no tfjs serialization: the weights are a WeightSet.
 *
 * Two choices for speed and for every backend:
 * - tokens are embedded as one-hot times the table, because tf.gather's gradient
 *   (UnsortedSegmentSum) is missing on WASM;
 * - every matMul is `fastMatMul`, whose gradient transposes explicitly: matMul with transpose
 *   flags runs an order of magnitude slower on WASM, and tf.matMul's own gradient uses them.
 */
import * as tf from '@tensorflow/tfjs'
import { blockPrefix, CAUSAL_MASK, LAYER_NORM_EPSILON, type TransformerShape } from '../../core/transformer.ts'

/** The parameters by layout name: variables when training, plain tensors for inference. */
export type TransformerParams = Record<string, tf.Tensor>

/** Swaps the last two axes of a rank-2 or rank-3 tensor. */
function swapLast (x: tf.Tensor): tf.Tensor {
  return x.rank === 2 ? tf.transpose(x) : tf.transpose(x, [0, 2, 1])
}

/** a · b for rank 2 or batched rank 3, with a gradient that never asks for transposed matMuls. */
export const fastMatMul = tf.customGrad(((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b])
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor, tf.Tensor]
      return [tf.matMul(dy as tf.Tensor2D, swapLast(sb) as tf.Tensor2D), tf.matMul(swapLast(sa) as tf.Tensor2D, dy as tf.Tensor2D)]
    }
  }
}) as unknown as Parameters<typeof tf.customGrad>[0]) as unknown as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor

function param (params: TransformerParams, name: string): tf.Tensor {
  const p = params[name]
  if (p === undefined) throw new Error(`transformer parameter ${name} is missing`)
  return p
}

/** x [n, d] · kernel [d, m] + bias */
function dense (params: TransformerParams, name: string, x: tf.Tensor): tf.Tensor {
  return tf.add(fastMatMul(x, param(params, `${name}/kernel`)), param(params, `${name}/bias`))
}

function layerNorm (params: TransformerParams, name: string, x: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true)
  const normed = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, LAYER_NORM_EPSILON)))
  return tf.add(tf.mul(normed, param(params, `${name}/gamma`)), param(params, `${name}/beta`))
}

const GELU_C = Math.sqrt(2 / Math.PI)

/** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) */
export function gelu (x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), GELU_C)
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1))
}

/** [t, t]: 0 on and below the diagonal, CAUSAL_MASK above it. */
export function causalMask (t: number): tf.Tensor2D {
  const values = new Float32Array(t * t)
  for (let i = 0; i < t; i++) for (let j = i + 1; j < t; j++) values[i * t + j] = CAUSAL_MASK
  return tf.tensor2d(values, [t, t])
}

/**
 * Causal self-attention of u [b * t, d]: heads split, scores scaled and masked, softmax, weighted
 * values, heads joined, output projection.
 */
function attention (s: TransformerShape, params: TransformerParams, prefix: string, u: tf.Tensor, b: number, t: number, mask: tf.Tensor): tf.Tensor {
  const d = s.width
  const dh = d / s.heads
  const qkv = dense(params, `${prefix}/attn/qkv`, u) // [b*t, 3d]
  const heads = (i: number): tf.Tensor => tf.reshape(tf.transpose(tf.reshape(tf.slice(qkv, [0, i * d], [b * t, d]), [b, t, s.heads, dh]), [0, 2, 1, 3]), [b * s.heads, t, dh])
  const q = heads(0)
  const k = heads(1)
  const v = heads(2)
  const scores = tf.add(tf.mul(fastMatMul(q, tf.transpose(k, [0, 2, 1])), 1 / Math.sqrt(dh)), mask)
  const weighted = fastMatMul(tf.softmax(scores), v) // [b*h, t, dh]
  const joined = tf.reshape(tf.transpose(tf.reshape(weighted, [b, s.heads, t, dh]), [0, 2, 1, 3]), [b * t, d])
  return dense(params, `${prefix}/attn/proj`, joined)
}

/** Logits [b, t, vocab] for token ids [b, t] (int32, t <= context). */
export function transformerLogits (s: TransformerShape, params: TransformerParams, tokens: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const [b, t] = tokens.shape
    if (t > s.context) throw new RangeError(`a sequence of ${t} tokens is longer than the model's context of ${s.context}`)
    const oneHot = tf.reshape(tf.oneHot(tf.cast(tokens, 'int32'), s.vocab), [b * t, s.vocab])
    const positions = tf.slice(param(params, 'pos/embedding'), [0, 0], [t, s.width])
    let x = tf.reshape(tf.add(tf.reshape(fastMatMul(oneHot, param(params, 'tok/embedding')), [b, t, s.width]), positions), [b * t, s.width])
    const mask = causalMask(t)
    for (let block = 0; block < s.blocks; block++) {
      const p = blockPrefix(block)
      x = tf.add(x, attention(s, params, p, layerNorm(params, `${p}/ln1`, x), b, t, mask))
      x = tf.add(x, dense(params, `${p}/mlp/proj`, gelu(dense(params, `${p}/mlp/fc`, layerNorm(params, `${p}/ln2`, x)))))
    }
    return tf.reshape(dense(params, 'head', layerNorm(params, 'lnf', x)), [b, t, s.vocab]) as tf.Tensor3D
  })
}

/**
 * Mean next-token cross-entropy and the count of top-1 hits, over every position of a batch:
 * tokens [b, t] and targets [b, t], where targets[i][j] is the token after tokens[i][j].
 */
export function transformerLoss (s: TransformerShape, params: TransformerParams, tokens: tf.Tensor2D, targets: tf.Tensor2D): { loss: tf.Scalar, correct: tf.Scalar } {
  const logits = transformerLogits(s, params, tokens)
  const flat = tf.reshape(logits, [-1, s.vocab])
  const target = tf.reshape(tf.cast(targets, 'int32'), [-1])
  const logProbs = tf.logSoftmax(flat)
  const loss = tf.neg(tf.mean(tf.sum(tf.mul(logProbs, tf.oneHot(target, s.vocab)), -1))) as tf.Scalar
  const correct = tf.sum(tf.cast(tf.equal(tf.argMax(flat, -1), target), 'float32')) as tf.Scalar
  return { loss, correct }
}
