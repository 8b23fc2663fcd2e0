/**
 * One provider's share of a round: H local steps of the inner optimizer on a shard, then the
 * pseudo-gradient `delta = theta_before - theta_after`, encoded for pinning. Runs the same in a
 * Web Worker and in Node; the caller picks the tfjs backend first (see backend.ts).
 */
import * as tf from '@tensorflow/tfjs'
import { restAfter } from '../core/contributionPolicy.ts'
import { encodeDelta, type DeltaScheme } from '../core/delta/codec.ts'
import type { TrainingSpec } from '../core/taskSpec.ts'
import { firstNonFinite, subtractWeights, type WeightSet } from '../core/tensors.ts'
import type { Architecture } from '../core/architecture.ts'
import { featureSize, sampleCount, type Dataset } from './data/dataset.ts'
import { BackendUnavailableError, TrainError, TrainingCancelledError } from './errors.ts'
import { createTrainable } from './trainable.ts'
import { yieldToEventLoop } from './yield.ts'

/**
 * One shard's training job, the same type wherever it runs: `Data` is the samples themselves in
 * process, or a `ShardData` reference when the job crosses to a worker.
 */
export interface TrainRequest<Data = Dataset> {
  architecture: Architecture
  training: Pick<TrainingSpec, 'optimizer' | 'learningRate' | 'localSteps' | 'batchSize'>
  /** theta_before: the round's model version */
  weights: WeightSet
  /** this provider's shard in training order (see shardIndices in src/core/sampling.ts) */
  data: Data
  /** the shard's stepSeed: seeds dropout, so replicas of a shard run the same computation */
  seed: number
  /** delta encoding; int8 by default */
  scheme?: DeltaScheme
}

export interface TrainProgress {
  step: number
  steps: number
  loss: number
  samplesPerSec: number
}

export interface TrainMetrics {
  steps: number
  samples: number
  /** mean loss of the first and of the last step: a shard that learns has last < first */
  firstLoss: number
  lastLoss: number
  /** mean training loss and accuracy over all steps (a transformer's accuracy is per token) */
  loss: number
  accuracy: number
  samplesPerSec: number
  durationMs: number
  backend: string
}

export interface TrainShardResult {
  delta: Uint8Array
  metrics: TrainMetrics
}

export interface TrainShardOptions {
  onProgress?: (progress: TrainProgress) => void
  signal?: AbortSignal
  /** least time between two progress reports (and loss reads); the last step is always reported */
  progressIntervalMs?: number
  /**
   * The volunteer's share of this device, 0.1 to 1, read at every slice so a change applies
   * mid-shard: after each slice of work the loop sleeps for the rest (default 1, no sleep).
   */
  share?: () => number
}

/** How often the loop gives the event loop a turn, so a cancel message can arrive; also the duty cycle's slice. */
const YIELD_EVERY_MS = 50

function checkData (arch: Architecture, data: Dataset): void {
  const inputSize = arch.inputShape.reduce((a, b) => a * b, 1)
  if (featureSize(data) !== inputSize) {
    throw new TrainError(`the data has samples of shape [${data.featureShape.join(', ')}], the model takes [${arch.inputShape.join(', ')}]`)
  }
  if (data.classes !== arch.classes) throw new TrainError(`the data has ${data.classes} classes, the model ${arch.classes}`)
  if (sampleCount(data) === 0) throw new TrainError('the shard is empty')
}

/**
 * Positions in the shard for `steps` batches: the shard's own order (src/core/sampling.ts has
 * already shuffled it from the task seed), wrapping around when the steps need more samples.
 */
export function batchOrder (count: number, batchSize: number, steps: number): Int32Array {
  return Int32Array.from({ length: steps * batchSize }, (_, i) => i % count)
}

/** tfjs reports a kernel a backend lacks as a plain Error; name the backend and the model instead. */
function explainMissingKernel (error: unknown): unknown {
  const missing = error instanceof Error ? /Kernel '(\w+)' not registered for backend '(\w+)'/.exec(error.message) : null
  return missing === null ? error : new BackendUnavailableError(`the ${missing[2] as string} backend cannot train this model: it has no ${missing[1] as string} kernel`)
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

export async function trainShard (request: TrainRequest, options: TrainShardOptions = {}): Promise<TrainShardResult> {
  try {
    return await runShard(request, options)
  } catch (error) {
    throw explainMissingKernel(error)
  }
}

async function runShard (request: TrainRequest, options: TrainShardOptions): Promise<TrainShardResult> {
  const { signal, onProgress } = options
  const progressInterval = options.progressIntervalMs ?? 100
  const arch = request.architecture
  checkData(arch, request.data)
  signal?.throwIfAborted()
  const { localSteps: steps, batchSize } = request.training
  const count = sampleCount(request.data)
  const order = batchOrder(count, batchSize, steps)

  const trainable = createTrainable(arch, request.weights, request.data, request.training, request.seed)
  const pending: Array<{ step: number, loss: tf.Scalar, correct: tf.Scalar }> = []
  let reads = Promise.resolve()
  try {
    let lossSum = 0
    let correctSum = 0
    let firstLoss = Number.NaN
    let lastLoss = Number.NaN
    const started = performance.now()
    let lastRead = started
    let lastYield = started

    /**
     * Starts reading the losses and hit counts of every step since the last read, in one
     * transfer, and reports the newest when it lands. The loop does not wait for it: a read
     * that blocked each step (or each report) would stall WebGL and WebGPU, which `fit` never does.
     */
    let failure: Error | undefined
    const read = (): void => {
      const batch = pending.splice(0)
      if (batch.length === 0) return
      const stacked = tf.tidy(() => tf.stack(batch.flatMap((p) => [p.loss, p.correct])))
      tf.dispose(batch.flatMap((p) => [p.loss, p.correct]))
      lastRead = performance.now()
      const values = stacked.data()
      reads = reads.then(async () => {
        const v = await values.finally(() => stacked.dispose())
        batch.forEach(({ step }, i) => {
          const loss = v[2 * i] as number
          if (!Number.isFinite(loss)) failure ??= new TrainError(`the loss became ${loss} at step ${step + 1}: lower the learning rate`)
          if (step === 0) firstLoss = loss
          lastLoss = loss
          lossSum += loss
          correctSum += v[2 * i + 1] as number
        })
        const step = (batch.at(-1) as { step: number }).step + 1
        if (failure === undefined) onProgress?.({ step, steps, loss: lastLoss, samplesPerSec: (step * batchSize) / ((performance.now() - started) / 1000) })
      })
    }

    for (let step = 0; step < steps; step++) {
      if (signal?.aborted === true) throw new TrainingCancelledError()
      const { loss, correct } = trainable.step(order.subarray(step * batchSize, (step + 1) * batchSize))
      pending.push({ step, loss, correct })
      if (performance.now() - lastRead >= progressInterval) read()
      const busy = performance.now() - lastYield
      if (busy >= YIELD_EVERY_MS) {
        // A share below 1 rests in proportion to the slice just worked, which is what lowers the CPU (or GPU) load.
        const rest = restAfter(busy, options.share?.() ?? 1)
        if (rest > 0) await sleep(rest)
        else await yieldToEventLoop()
        lastYield = performance.now()
      }
      if (failure !== undefined) throw failure
    }
    read()
    await reads
    if (failure !== undefined) throw failure
    const after = await trainable.read()
    const bad = firstNonFinite(after)
    if (bad !== null) throw new TrainError(`training diverged: ${bad.name} holds a non-finite value after ${steps} steps: lower the learning rate`)
    const durationMs = performance.now() - started
    const delta = encodeDelta(subtractWeights(request.weights, after), { scheme: request.scheme ?? 'int8' })
    const samples = steps * batchSize
    return {
      delta,
      metrics: {
        steps,
        samples,
        firstLoss,
        lastLoss,
        loss: lossSum / steps,
        accuracy: correctSum / (samples * trainable.predictionsPerSample),
        samplesPerSec: samples / (durationMs / 1000),
        durationMs,
        backend: tf.getBackend()
      }
    }
  } finally {
    // Reads in flight free their own tensors when they land; wait, so none outlives the call.
    await reads.catch(() => {})
    for (const p of pending) tf.dispose([p.loss, p.correct])
    trainable.dispose()
  }
}
