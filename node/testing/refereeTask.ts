/**
 * What the referee's tests train: a small MLP on the bundled MNIST, one shard each round, and a
 * trainer that reveals the opposite of its honest delta, the cheat a referee must settle.
 */
import { decodeDelta, encodeDelta } from '../../src/core/delta/codec.ts'
import { defineTask, type TaskDefinition } from '../../src/core/taskDefinition.ts'
import { parseTaskSpec, type TaskSpec } from '../../src/core/taskSpec.ts'
import { scaleWeights } from '../../src/core/tensors.ts'
import type { Trainer } from '../../src/provider/types.ts'
import { DEFAULT_LIMITS } from '../../src/storage/limits.ts'

/** The referee tests' task spec and its definition; `seed` keeps each test file's task its own. */
export function refereeTestTask (seed: string): { spec: TaskSpec, task: TaskDefinition } {
  const spec = parseTaskSpec({
    model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [16] },
    training: { optimizer: 'sgd', learningRate: 0.1, localSteps: 5, batchSize: 32, samplesPerShard: 160 },
    outer: { learningRate: 0.7, momentum: 0.9 },
    fingerprint: { length: 16 },
    seed
  }, seed)
  return { spec, task: defineTask(spec) }
}

/** Trains honestly, then reveals the opposite delta. */
export function signFlipping (inner: Trainer, task: TaskDefinition): Trainer {
  return {
    train: async (request, options) => {
      const result = await inner.train(request, options)
      const delta = decodeDelta(result.delta, { expected: task.layout, maxBytes: DEFAULT_LIMITS.delta })
      return { ...result, delta: encodeDelta(scaleWeights(delta, -1)) }
    }
  }
}
