/** `Trainer`s: the worker (`TrainerClient`) in a page, `trainShard` in process (Node tests, CLI). */
import { selectSamples, type Dataset } from '../train/data/dataset.ts'
import type { TrainerClient } from '../train/trainerClient.ts'
import type { BackendName } from '../train/backendChoice.ts'
import { concurrencyLimit } from '../core/concurrency.ts'
import { MLBridgeError } from '../core/errors.ts'
import { predictTfjs } from '../train/predict.ts'
import { scoreModel } from '../train/scores.ts'
import { trainShard } from '../train/trainShard.ts'
import type { Evaluator, Trainer } from './types.ts'

/** Runs jobs one at a time: providers that share one process (a test) share one tfjs engine. */
export function serialQueue (): <T>(job: () => Promise<T>) => Promise<T> {
  return concurrencyLimit(1)
}

/**
 * Trains in the Web Worker behind `client` on `backend` (what the page chose or the probe picked
 * and showed); without it, the backend remembered or probed for the model.
 */
export function workerTrainer (client: TrainerClient, backend?: BackendName): Trainer {
  return {
    train: async (request, options) => await client.train(
      request,
      {
        ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }),
        ...(options.signal === undefined ? {} : { signal: options.signal }),
        ...(backend === undefined ? {} : { backend })
      }
    )
  }
}

/**
 * Trains in this thread on the current tfjs backend (the caller selects it). `mnist` resolves the
 * `{ kind: 'mnist', indices }` shards. Jobs run one at a time through `queue`.
 */
export function inProcessTrainer (opts: { mnist?: () => Promise<Dataset>, queue?: ReturnType<typeof serialQueue> } = {}): Trainer {
  const queue = opts.queue ?? serialQueue()
  return {
    train: async (request, options) => {
      const run = async (): Promise<Awaited<ReturnType<typeof trainShard>>> => {
        let data: Dataset
        if (request.data.kind === 'samples') {
          data = request.data.data
        } else {
          if (opts.mnist === undefined) throw new MLBridgeError('MNIST_UNAVAILABLE', 'inProcessTrainer: no MNIST loader given for an MNIST shard')
          data = selectSamples(await opts.mnist(), request.data.indices)
        }
        return await trainShard(
          { ...request, data },
          { ...(options.onProgress === undefined ? {} : { onProgress: options.onProgress }), ...(options.signal === undefined ? {} : { signal: options.signal }) }
        )
      }
      return await queue(run)
    }
  }
}

/** Scores a version with tfjs in this thread on held-out samples (`test`). */
export function inProcessEvaluator (test: Dataset, opts: { queue?: ReturnType<typeof serialQueue> } = {}): Evaluator {
  const queue = opts.queue ?? serialQueue()
  return {
    evaluate: async (architecture, weights, options) => await queue(async () => {
      options.signal?.throwIfAborted()
      const probabilities = await predictTfjs(architecture, weights, test.x)
      const { accuracy, loss } = scoreModel(architecture, probabilities, test)
      return { accuracy, loss }
    })
  }
}
