import onnxProto from 'onnx-proto'
import type { InferenceSession } from 'onnxruntime-web'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { architectureFromSpec, type Architecture } from '../../core/architecture.ts'
import { Rng } from '../../core/random.ts'
import { parseTaskSpec } from '../../core/taskSpec.ts'
import type { WeightSet } from '../../core/tensors.ts'
import { CAUSAL_MASK, LAYER_NORM_EPSILON, transformerInitialWeights, type TransformerShape } from '../../core/transformer.ts'
import { loadCorpusFromDisk } from '../data/corpusNode.ts'
import { textDataset } from '../data/text.ts'
import { WeightMismatchError } from '../errors.ts'
import { maxAbsDiff } from '../../testing/maxAbsDiff.ts'
import { useNodeBackend } from '../nodeBackend.ts'
import { predictTfjs, predictTransformer } from '../predict.ts'
import { scoreModel } from '../scores.ts'
import { exportOnnx, ONNX_LOGITS } from './exportOnnx.ts'
import { createOnnxSession, predictOnnx } from './runOnnx.ts'
import { TRANSFORMER_OPSET } from './transformerGraph.ts'

const { ModelProto } = onnxProto.onnx

function std (a: Float32Array): number {
  const mean = a.reduce((s, v) => s + v, 0) / a.length
  return Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length)
}

/**
 * Version 0 with seeded normal noise as after training: standard deviation 0.1 on every tensor,
 * gammas included, and 0.5 on the qkv kernels, so that attention scores spread over several units
 * (about 16 sigma^2 for unit-variance inputs and heads of 4) and softmax is far from uniform.
 */
function trainedLooking (s: TransformerShape, seed: number): WeightSet {
  const rng = new Rng(seed)
  return transformerInitialWeights(s, seed).map((w) => {
    const sigma = w.name.endsWith('attn/qkv/kernel') ? 0.5 : 0.1
    return { ...w, values: w.values.map((v) => v + sigma * rng.nextNormal()) }
  })
}

function randomTokens (count: number, s: TransformerShape, seed: number): Float32Array {
  const rng = new Rng(seed)
  return Float32Array.from({ length: count * s.context }, () => rng.nextInt(s.vocab))
}

function transformerArch (s: TransformerShape): Architecture {
  return { inputShape: [s.context], classes: s.vocab, layers: [], transformer: s }
}

const shape: TransformerShape = { vocab: 13, context: 8, blocks: 2, width: 16, heads: 4, mlpRatio: 2 }
const arch = transformerArch(shape)

describe('ONNX export of the character transformer', () => {
  const weights = trainedLooking(shape, 7)
  let session: InferenceSession

  beforeAll(async () => {
    await useNodeBackend('wasm')
    session = (await createOnnxSession(exportOnnx(arch, weights))).session
  })
  afterAll(async () => { await session.release() })

  it('ONNX Runtime\'s logits match tfjs\'s within 1e-3, and its probabilities are their softmax', async () => {
    const x = randomTokens(24, shape, 1)
    const expected = await predictTransformer(arch, weights, x)
    const actual = await predictOnnx(session, x, arch.inputShape, 256, ONNX_LOGITS)
    expect(actual.length).toBe(24 * shape.context * shape.vocab)
    // Logits that vary with token and position: agreement is not between two near-constant functions.
    expect(std(expected)).toBeGreaterThan(0.3)
    const diff = maxAbsDiff(expected, actual)
    console.log(`tiny transformer: tfjs vs ORT max abs logit diff ${diff.toExponential(2)}`)
    expect(diff).toBeLessThanOrEqual(1e-3)

    const probabilities = await predictOnnx(session, x, arch.inputShape)
    for (let row = 0; row < probabilities.length / shape.vocab; row++) {
      const sum = probabilities.subarray(row * shape.vocab, (row + 1) * shape.vocab).reduce((a, b) => a + b, 0)
      expect(sum).toBeCloseTo(1, 5)
    }
    expect(maxAbsDiff(await predictTfjs(arch, weights, x), probabilities)).toBeLessThanOrEqual(1e-4)
  })

  it('is causal: changing a later token leaves every earlier position\'s logits exactly as they were', async () => {
    const a = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8)
    const b = Float32Array.of(1, 2, 3, 4, 12, 0, 10, 8)
    const logits = await predictOnnx(session, Float32Array.of(...a, ...b), arch.inputShape, 256, ONNX_LOGITS)
    const v = shape.vocab
    const t = shape.context
    const [la, lb] = [logits.subarray(0, t * v), logits.subarray(t * v)]
    expect(maxAbsDiff(la.subarray(0, 4 * v), lb.subarray(0, 4 * v))).toBeLessThanOrEqual(1e-6)
    // the changed position and those after it do see the change
    expect(maxAbsDiff(la.subarray(4 * v, 5 * v), lb.subarray(4 * v, 5 * v))).toBeGreaterThan(1e-3)
    expect(maxAbsDiff(la.subarray(7 * v), lb.subarray(7 * v))).toBeGreaterThan(1e-3)
  })

  it('is an opset 17 graph with LayerNormalization at epsilon 1e-5, the causal mask as an initializer, and logits and probabilities as outputs', () => {
    const model = ModelProto.toObject(ModelProto.decode(exportOnnx(arch, weights)), { longs: Number })
    expect(model.opsetImport).toEqual([{ domain: '', version: TRANSFORMER_OPSET }])
    expect(TRANSFORMER_OPSET).toBe(17)
    const graph = model.graph
    expect(graph.input.map((i: { name: string }) => i.name)).toEqual(['input'])
    expect(graph.output.map((o: { name: string }) => o.name)).toEqual(['logits', 'probabilities'])
    const norms = graph.node.filter((n: { opType: string }) => n.opType === 'LayerNormalization')
    expect(norms).toHaveLength(2 * shape.blocks + 1)
    for (const n of norms) expect(n.attribute.find((a: { name: string }) => a.name === 'epsilon').f).toBeCloseTo(LAYER_NORM_EPSILON, 10)
    const mask = ModelProto.decode(exportOnnx(arch, weights)).graph?.initializer?.find((i) => i.name === 'attention/causal_mask')
    expect(mask?.dims?.map(Number)).toEqual([shape.context, shape.context])
    const values = new Float32Array(Uint8Array.from(mask?.rawData ?? []).buffer)
    expect(values[1]).toBe(Math.fround(CAUSAL_MASK))
    expect(values[shape.context]).toBe(0)
    expect(values[shape.context * shape.context - 1]).toBe(0)
  })

  it('refuses weights that do not fit the layout', () => {
    expect(() => exportOnnx(arch, weights.slice(1))).toThrow(WeightMismatchError)
    expect(() => exportOnnx(arch, transformerInitialWeights({ ...shape, width: 8 }, 1))).toThrow(WeightMismatchError)
    expect(() => exportOnnx(transformerArch({ ...shape, context: 16 }), weights)).toThrow(WeightMismatchError)
  })
})

describe('ONNX export of the tiny preset on Moby Dick', () => {
  it('scores held-out windows as tfjs does: logits within 1e-3, the same loss', async () => {
    await useNodeBackend('wasm')
    const { vocabulary, data } = textDataset((await loadCorpusFromDisk()).slice(0, 20_000), 32)
    const tiny = architectureFromSpec(parseTaskSpec({ model: { template: 'char-transformer', preset: 'tiny', vocabulary }, seed: 'lm' }).model)
    const s = tiny.transformer as TransformerShape
    expect(s.vocab).toBeGreaterThan(40)
    const w = trainedLooking(s, 3)
    const windows = { x: data.x.subarray(0, 16 * s.context), labels: data.labels.subarray(0, 16) }
    const { session } = await createOnnxSession(exportOnnx(tiny, w))
    try {
      const diff = maxAbsDiff(await predictTransformer(tiny, w, windows.x), await predictOnnx(session, windows.x, tiny.inputShape, 256, ONNX_LOGITS))
      console.log(`tiny preset (vocabulary ${s.vocab}): tfjs vs ORT max abs logit diff ${diff.toExponential(2)}`)
      expect(diff).toBeLessThanOrEqual(1e-3)
      const onnx = scoreModel(tiny, await predictOnnx(session, windows.x, tiny.inputShape), windows)
      const tfjs = scoreModel(tiny, await predictTfjs(tiny, w, windows.x), windows)
      expect(onnx.count).toBe(16 * s.context)
      expect(onnx.loss).toBeCloseTo(tfjs.loss, 4)
      expect(onnx.accuracy).toBe(tfjs.accuracy)
    } finally {
      await session.release()
    }
  })
})
