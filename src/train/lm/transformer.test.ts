import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { architectureFromSpec } from '../../core/architecture.ts'
import { decodeDelta } from '../../core/delta/codec.ts'
import { parseTaskSpec } from '../../core/taskSpec.ts'
import { transformerInitialWeights, transformerLayout, type TransformerShape } from '../../core/transformer.ts'
import { useNodeBackend } from '../nodeBackend.ts'
import { predictTransformer } from '../predict.ts'
import { scoreSequences } from '../scores.ts'
import { textDataset } from '../data/text.ts'
import { loadCorpusFromDisk } from '../data/corpusNode.ts'
import { selectSamples } from '../data/dataset.ts'
import { trainShard } from '../trainShard.ts'
import { fastMatMul, transformerLogits } from './transformer.ts'
import { transformerParams } from './transformerTrainable.ts'

const shape: TransformerShape = { vocab: 11, context: 8, blocks: 2, width: 16, heads: 4, mlpRatio: 2 }

async function logitsOf (tokens: number[][]): Promise<Float32Array> {
  const params = transformerParams(shape, transformerInitialWeights(shape, 3))
  try {
    const out = tf.tidy(() => transformerLogits(shape, params, tf.tensor2d(tokens, undefined, 'int32')))
    const data = await out.data() as Float32Array
    out.dispose()
    return data
  } finally {
    tf.dispose(Object.values(params))
  }
}

describe('character transformer in tfjs', () => {
  beforeAll(async () => { await useNodeBackend('wasm') })

  it('is causal: changing a later token leaves every earlier position\'s logits as they were', async () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8]
    const b = [1, 2, 3, 4, 9, 0, 10, 8]
    const [la, lb] = [await logitsOf([a]), await logitsOf([b])]
    const v = shape.vocab
    for (let pos = 0; pos < 4; pos++) {
      for (let k = 0; k < v; k++) expect(lb[pos * v + k]).toBeCloseTo(la[pos * v + k] as number, 5)
    }
    // the changed position and those after it do see the change
    const changed = Array.from({ length: v }, (_, k) => Math.abs((la[4 * v + k] as number) - (lb[4 * v + k] as number)))
    expect(Math.max(...changed)).toBeGreaterThan(1e-4)
  })

  it('treats each sequence of a batch on its own', async () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8]
    const b = [8, 7, 6, 5, 4, 3, 2, 1]
    const both = await logitsOf([a, b])
    const alone = await logitsOf([b])
    const half = shape.context * shape.vocab
    for (let i = 0; i < half; i += 7) expect(both[half + i]).toBeCloseTo(alone[i] as number, 5)
  })

  it('fastMatMul has tf.matMul\'s value and gradients, for matrices and batches', () => {
    for (const [sa, sb] of [[[3, 4], [4, 5]], [[2, 3, 4], [2, 4, 5]]] as const) {
      const a = tf.randomNormal([...sa], 0, 1, 'float32', 1)
      const b = tf.randomNormal([...sb], 0, 1, 'float32', 2)
      const f = (op: (x: tf.Tensor, y: tf.Tensor) => tf.Tensor) => tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(op(x, y))))
      const fast = f(fastMatMul)([a, b])
      const slow = f((x, y) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D))([a, b])
      expect(tf.max(tf.abs(tf.sub(fastMatMul(a, b), tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D)))).dataSync()[0]).toBeLessThan(1e-5)
      fast.forEach((g, i) => expect(tf.max(tf.abs(tf.sub(g, slow[i] as tf.Tensor))).dataSync()[0]).toBeLessThan(1e-4))
      tf.dispose([a, b, ...fast, ...slow])
    }
  })

  it('trains a shard of Moby Dick: the loss falls, the delta has the layout, and the held-out loss falls with it', async () => {
    const text = (await loadCorpusFromDisk()).slice(0, 60_000)
    const { vocabulary, data } = textDataset(text, 32)
    const spec = parseTaskSpec({ model: { template: 'char-transformer', preset: 'tiny', vocabulary }, training: { batchSize: 8, localSteps: 60, learningRate: 0.005 }, seed: 'lm' })
    const arch = architectureFromSpec(spec.model)
    const s = arch.transformer as TransformerShape
    const weights = transformerInitialWeights(s, 1)
    const train = selectSamples(data, Array.from({ length: 400 }, (_, i) => i))
    const test = selectSamples(data, Array.from({ length: 40 }, (_, i) => 1000 + i))
    const { delta, metrics } = await trainShard({ architecture: arch, training: spec.training, weights, data: train, seed: 1 })
    expect(metrics.lastLoss).toBeLessThan(metrics.firstLoss - 1)
    expect(metrics.firstLoss).toBeCloseTo(Math.log(vocabulary.length), 0)
    const decoded = decodeDelta(delta, { expected: transformerLayout(s), maxBytes: 1 << 22 })
    const after = weights.map((w, i) => ({ ...w, values: w.values.map((v, j) => v - (decoded[i]?.values[j] as number)) }))
    const before = scoreSequences(await predictTransformer(arch, weights, test.x, 16, true), test.x, test.labels, s.context, s.vocab)
    const trained = scoreSequences(await predictTransformer(arch, after, test.x, 16, true), test.x, test.labels, s.context, s.vocab)
    expect(trained.loss).toBeLessThan(before.loss - 0.8)
    expect(trained.count).toBe(40 * 32)
  })

  it('refuses a token outside the vocabulary instead of training on zeros', async () => {
    const arch = architectureFromSpec(parseTaskSpec({ model: { template: 'char-transformer', preset: 'tiny', vocabulary: ['a', 'b'] }, seed: 1 }).model)
    const x = new Float32Array(2 * 32)
    x[40] = 2
    const data = { x, labels: new Int32Array(2), featureShape: [32], classes: 2 }
    await expect(trainShard({ architecture: arch, training: { optimizer: 'adam', learningRate: 0.01, localSteps: 1, batchSize: 2 }, weights: transformerInitialWeights(arch.transformer as TransformerShape, 1), data, seed: 1 }))
      .rejects.toThrow(/window 1 holds token 2, outside the vocabulary of 2/)
  })
})
