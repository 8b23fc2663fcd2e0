/**
 * The character transformer (a small GPT) as plain numbers: its shape, its weight layout, its
 * cost and its seeded initial weights. No tfjs here: the tfjs forward pass (src/train/lm/) and the
 * ONNX graph (src/train/onnx/) are both written against this layout, so they cannot disagree
 * about names, order or shapes.
 *
 * The computation, for token ids t[0..T) and width d, h heads of size d/h:
 *
 *   x = tok/embedding[t] + pos/embedding[0..T)
 *   per block b:  x = x + attn(ln1(x)),  x = x + mlp(ln2(x))
 *     attn(u) = proj(concat_heads(softmax(q k^T / sqrt(d/h) + causal) v)), [q k v] = u qkv/kernel + qkv/bias
 *     mlp(u)  = gelu(u fc/kernel + fc/bias) proj/kernel + proj/bias, gelu the tanh approximation
 *   logits = lnf(x) head/kernel + head/bias
 *
 * Layer norms are pre-norm with epsilon LAYER_NORM_EPSILON; "causal" adds CAUSAL_MASK above the
 * diagonal, so position i never sees a later one. Position i predicts token i + 1.
 */
import type { WeightLayout, WeightSet } from './tensors.ts'
import { Rng } from './random.ts'

export interface TransformerShape {
  /** distinct tokens (characters) */
  vocab: number
  /** positions per sequence */
  context: number
  /** transformer blocks */
  blocks: number
  /** model width d */
  width: number
  /** attention heads; width must be a multiple */
  heads: number
  /** hidden width of each block's MLP, as a multiple of `width` */
  mlpRatio: number
}

/** The same on both sides: tfjs's own default (1e-3) is not ONNX's (1e-5). */
export const LAYER_NORM_EPSILON = 1e-5
/** Added to masked attention scores: -1e9 rather than -Infinity, so ONNX and tfjs agree exactly. */
export const CAUSAL_MASK = -1e9
/** Standard deviation of the initial embeddings and kernels (GPT-2's). */
export const INIT_STD = 0.02

export function blockPrefix (block: number): string {
  return `block${block}`
}

/** The weights in the order every encoding uses: embeddings, blocks, final norm, head. */
export function transformerLayout (s: TransformerShape): WeightLayout {
  const d = s.width
  const hidden = s.width * s.mlpRatio
  const out: WeightLayout = [
    { name: 'tok/embedding', shape: [s.vocab, d] },
    { name: 'pos/embedding', shape: [s.context, d] }
  ]
  for (let b = 0; b < s.blocks; b++) {
    const p = blockPrefix(b)
    out.push(
      { name: `${p}/ln1/gamma`, shape: [d] },
      { name: `${p}/ln1/beta`, shape: [d] },
      { name: `${p}/attn/qkv/kernel`, shape: [d, 3 * d] },
      { name: `${p}/attn/qkv/bias`, shape: [3 * d] },
      { name: `${p}/attn/proj/kernel`, shape: [d, d] },
      { name: `${p}/attn/proj/bias`, shape: [d] },
      { name: `${p}/ln2/gamma`, shape: [d] },
      { name: `${p}/ln2/beta`, shape: [d] },
      { name: `${p}/mlp/fc/kernel`, shape: [d, hidden] },
      { name: `${p}/mlp/fc/bias`, shape: [hidden] },
      { name: `${p}/mlp/proj/kernel`, shape: [hidden, d] },
      { name: `${p}/mlp/proj/bias`, shape: [d] }
    )
  }
  out.push(
    { name: 'lnf/gamma', shape: [d] },
    { name: 'lnf/beta', shape: [d] },
    { name: 'head/kernel', shape: [d, s.vocab] },
    { name: 'head/bias', shape: [s.vocab] }
  )
  return out
}

/**
 * Multiply-adds of one forward pass of one sequence: the dense layers per position, plus the
 * attention scores and their weighted sum (causal, so about half of T^2 pairs, counted in full).
 */
export function transformerForwardMacs (s: TransformerShape): number {
  const d = s.width
  const perPosition = s.vocab * d + s.blocks * (3 * d * d + d * d + 2 * d * d * s.mlpRatio) + d * s.vocab
  return s.context * perPosition + s.blocks * 2 * s.context * s.context * d
}

/**
 * Floats alive per sequence for the backward pass: per block, the normed inputs, q, k, v, the
 * attention matrices of every head, the MLP's hidden layer and the residual stream; then logits.
 */
export function transformerActivations (s: TransformerShape): number {
  const { context: t, width: d, heads: h } = s
  const perBlock = 2 * t * d + 3 * t * d + 2 * h * t * t + t * d + 2 * t * d * s.mlpRatio + 2 * t * d
  return t * s.vocab + t * d + s.blocks * perBlock + t * d + 2 * t * s.vocab
}

/**
 * Version 0: gammas 1, betas and biases 0, everything else uniform with standard deviation
 * INIT_STD, and each block's output projections scaled by 1/sqrt(2 * blocks) as in GPT-2, so the
 * residual stream does not grow with depth. Uniform draws (not Box-Muller) keep it bit-exact on
 * every engine.
 */
export function transformerInitialWeights (s: TransformerShape, seed: number): WeightSet {
  const rng = new Rng(seed)
  const bound = INIT_STD * Math.sqrt(3)
  const residualScale = 1 / Math.sqrt(2 * s.blocks)
  return transformerLayout(s).map(({ name, shape }) => {
    const size = shape.reduce((a, b) => a * b, 1)
    const values = new Float32Array(size)
    if (name.endsWith('/gamma')) values.fill(1)
    else if (!name.endsWith('/beta') && !name.endsWith('/bias')) {
      const scale = name.endsWith('attn/proj/kernel') || name.endsWith('mlp/proj/kernel') ? bound * residualScale : bound
      for (let i = 0; i < size; i++) values[i] = (2 * rng.nextFloat() - 1) * scale
    }
    return { name, shape: [...shape], values }
  })
}
