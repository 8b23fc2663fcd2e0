import { beforeAll, describe, expect, it } from 'vitest'
import { architectureFromSpec, weightLayout } from '../core/architecture.ts'
import { decodeDelta } from '../core/delta/codec.ts'
import { fingerprint, fingerprintDistance, fingerprintSeedOf } from '../core/fingerprint.ts'
import { shardIndices, stepSeed } from '../core/sampling.ts'
import { parseTaskSpec } from '../core/taskSpec.ts'
import { selectSamples } from '../train/data/dataset.ts'
import { initialWeights } from '../train/model.ts'
import { trainShard } from '../train/trainShard.ts'
import { mnistShard, useNodeBackend } from '../testing/mnist.ts'

const spec = parseTaskSpec({
  model: { template: 'mlp', inputShape: [784], classes: 10, hidden: [32] },
  training: { optimizer: 'adam', learningRate: 0.001, localSteps: 40, batchSize: 32, samplesPerShard: 256 },
  seed: 'rerun-test'
})
const arch = architectureFromSpec(spec.model)

describe('re-runs', () => {
  beforeAll(async () => { await useNodeBackend('wasm') })

  it('attack (re-run copier): a fingerprint revealed in the first attempt does not match an honest re-run of the shard', async () => {
    const data = await mnistShard(1024)
    const weights = await initialWeights(arch, 5)
    const sketch = async (attempt: number): Promise<Int32Array> => {
      const indices = shardIndices(spec, { datasetSize: data.labels.length, round: 0, shard: 1, shardCount: 2, samplesPerShard: 256, attempt })
      const { delta } = await trainShard({ architecture: arch, training: spec.training, weights, data: selectSamples(data, [...indices]), seed: stepSeed(spec, 0, 1, attempt) })
      const decoded = decodeDelta(delta, { expected: weightLayout(arch), maxBytes: 1 << 22 })
      return fingerprint(decoded, { length: spec.fingerprint.length, seed: fingerprintSeedOf({ seedBlockHash: `0x${'cd'.repeat(32)}`, taskId: 1, round: 0, shard: 1, attempt: 1 }), resolution: spec.fingerprint.resolution })
    }
    // Even under the re-run's own fingerprint seed (the copier fingerprints the first attempt's delta
    // once the seed is drawn), the first attempt's delta is far from an honest re-run.
    const revealedInAttempt0 = await sketch(0)
    const honestRerun = await sketch(1)
    expect(fingerprintDistance(await sketch(1), honestRerun)).toBeLessThanOrEqual(spec.fingerprint.tolerance)
    expect(fingerprintDistance(revealedInAttempt0, honestRerun)).toBeGreaterThan(spec.fingerprint.tolerance)
  })

  it('a re-run trains the same samples in its own order', () => {
    const opts = { datasetSize: 1000, round: 2, shard: 1, shardCount: 3, samplesPerShard: 100 }
    const first = shardIndices(spec, opts)
    expect(shardIndices(spec, { ...opts, attempt: 0 })).toEqual(first)
    const rerun = shardIndices(spec, { ...opts, attempt: 1 })
    expect([...rerun].sort((a, b) => a - b)).toEqual([...first].sort((a, b) => a - b))
    expect(rerun).not.toEqual(first)
    expect(shardIndices(spec, { ...opts, attempt: 2 })).not.toEqual(rerun)
    expect(stepSeed(spec, 2, 1, 1)).not.toBe(stepSeed(spec, 2, 1, 0))
    expect(stepSeed(spec, 2, 1, 0)).toBe(stepSeed(spec, 2, 1))
  })
})
