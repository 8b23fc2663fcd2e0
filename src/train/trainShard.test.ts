import * as tf from '@tensorflow/tfjs'
import { beforeAll, describe, expect, it } from 'vitest'
import { decodeDelta } from '../core/delta/codec.ts'
import { parseTaskSpec, type TaskSpec } from '../core/taskSpec.ts'
import { firstNonFinite } from '../core/tensors.ts'
import { architectureFromSpec, weightLayout } from '../core/architecture.ts'
import { TrainError, TrainingCancelledError } from './errors.ts'
import { selectSamples } from './data/dataset.ts'
import { initialWeights } from './model.ts'
import { mnistShard, useNodeBackend } from '../testing/mnist.ts'
import { batchOrder, trainShard, type TrainProgress } from './trainShard.ts'

const spec: TaskSpec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [32] },
  training: { optimizer: 'sgd', learningRate: 0.2, localSteps: 30, batchSize: 32 },
  seed: 'train-test'
})
const arch = architectureFromSpec(spec.model)

describe('trainShard', () => {
  beforeAll(async () => { await useNodeBackend('wasm') })

  it('learns, reports progress and returns a delta with the model layout', async () => {
    const weights = await initialWeights(arch, 1)
    const progress: TrainProgress[] = []
    const { delta, metrics } = await trainShard({ architecture: arch, training: spec.training, weights, data: await mnistShard(512), seed: 7 }, { onProgress: (p) => progress.push(p), progressIntervalMs: 0 })
    expect(metrics.backend).toBe('wasm')
    expect(metrics.samples).toBe(30 * 32)
    expect(metrics.lastLoss).toBeLessThan(metrics.firstLoss * 0.6)
    expect(metrics.accuracy).toBeGreaterThan(0.3)
    expect(progress.map((p) => p.step)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1))
    expect(progress.every((p) => p.samplesPerSec > 0 && Number.isFinite(p.loss))).toBe(true)
    const decoded = decodeDelta(delta, { expected: weightLayout(arch), maxBytes: 1 << 22 })
    expect(firstNonFinite(decoded)).toBeNull()
    expect(decoded.some((t) => t.values.some((v) => v !== 0))).toBe(true)
  })

  it('runs the same computation for the same shard, and another for the shard in another order', async () => {
    const weights = await initialWeights(arch, 2)
    const data = await mnistShard(256)
    const run = async (shard: typeof data): Promise<Uint8Array> => (await trainShard({ architecture: arch, training: { ...spec.training, localSteps: 5 }, weights, data: shard, seed: 3 })).delta
    const a = await run(data)
    expect(await run(data)).toEqual(a)
    expect(await run(selectSamples(data, Array.from({ length: 256 }, (_, i) => 255 - i)))).not.toEqual(a)
  })

  it('frees every tensor: the count is stable across rounds, including a cancelled one', async () => {
    const data = await mnistShard(128)
    let weights = await initialWeights(arch, 3)
    const training = { ...spec.training, localSteps: 3 }
    await trainShard({ architecture: arch, training, weights, data, seed: 1 })
    const before = tf.memory().numTensors
    for (let round = 0; round < 3; round++) {
      const { delta } = await trainShard({ architecture: arch, training, weights, data, seed: round })
      weights = decodeDelta(delta, { expected: weightLayout(arch), maxBytes: 1 << 22 }).map((d, i) => ({ ...d, values: d.values.map((v, j) => (weights[i]?.values[j] ?? 0) - v) }))
    }
    const controller = new AbortController()
    const cancelled = trainShard({ architecture: arch, training: { ...training, localSteps: 1000 }, weights, data, seed: 9 }, {
      signal: controller.signal,
      onProgress: (p) => { if (p.step >= 2) controller.abort() },
      progressIntervalMs: 0
    })
    await expect(cancelled).rejects.toBeInstanceOf(TrainingCancelledError)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('with a share of a quarter sleeps between batches: the same delta, about a quarter of the CPU per second', async () => {
    const weights = await initialWeights(arch, 6)
    const data = await mnistShard(256)
    // The loop rests after each 50-ms slice but never after the last one: at 40 steps (about 100 ms)
    // one rest decided the ratio. At 160 steps (about 8 slices) only the last slice goes unrested.
    const request = { architecture: arch, training: { ...spec.training, localSteps: 160 }, weights, data, seed: 2 }
    const measure = async (share: number): Promise<{ delta: Uint8Array, wallMs: number, load: number }> => {
      const cpu = process.cpuUsage()
      const started = performance.now()
      const { delta } = await trainShard(request, { share: () => share })
      const wallMs = performance.now() - started
      const used = process.cpuUsage(cpu)
      return { delta, wallMs, load: (used.user + used.system) / 1000 / wallMs }
    }
    await trainShard({ ...request, training: { ...request.training, localSteps: 10 } }) // warms the backend's kernels up
    // other work on the machine only slows a run: the faster of two is the full share's
    const full = [await measure(1), await measure(1)].reduce((a, b) => (a.wallMs <= b.wallMs ? a : b))
    const quarter = await measure(0.25)
    expect(quarter.delta).toEqual(full.delta)
    expect(quarter.wallMs).toBeGreaterThan(2.5 * full.wallMs)
    expect(quarter.load).toBeLessThan(0.6 * full.load)
  }, 30_000)

  it('stops with a clear error when the loss diverges', async () => {
    const weights = await initialWeights(arch, 5)
    const diverging = trainShard({ architecture: arch, training: { ...spec.training, learningRate: 1e30, localSteps: 20 }, weights, data: await mnistShard(128), seed: 1 })
    await expect(diverging).rejects.toThrow(TrainError)
    await expect(diverging).rejects.toThrow(/lower the learning rate/)
  })

  it('rejects data that does not fit the model, naming both shapes', async () => {
    const weights = await initialWeights(arch, 4)
    const data = { x: new Float32Array(8), labels: new Int32Array(2), featureShape: [4], classes: 10 }
    await expect(trainShard({ architecture: arch, training: spec.training, weights, data, seed: 1 })).rejects.toThrow(TrainError)
    await expect(trainShard({ architecture: arch, training: spec.training, weights, data, seed: 1 })).rejects.toThrow('[4]')
  })
})

describe('batchOrder', () => {
  it('takes the shard in its own order, wrapping around', () => {
    expect([...batchOrder(5, 2, 4)]).toEqual([0, 1, 2, 3, 4, 0, 1, 2])
  })
})
