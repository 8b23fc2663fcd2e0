/**
 * `npm run bench -- lm --node`: the headless provider's path in this process, on the backend
 * `--backend auto` picks (useNodeBackend) and through the provider's in-process trainer (the delta
 * read back and encoded included), against the same loop in raw tfjs. When auto picks WebGPU, WASM
 * is timed too, for the comparison on the same machine.
 */
import { inProcessTrainer } from '../../src/provider/trainers.ts'
import type { BackendName } from '../../src/train/backendChoice.ts'
import { loadCorpusFromDisk } from '../../src/train/data/corpusNode.ts'
import { bestOf, lmBenchJob, rawTrainer, type LmBenchSettings } from '../../src/train/lmBenchJob.ts'
import { initialWeights } from '../../src/train/model.ts'
import { useNodeBackend, type NodeBackendChoice } from '../../src/train/nodeBackend.ts'

export interface NodeLmFigures {
  backend: `node-${BackendName}`
  providerTokensPerSec: number
  rawTokensPerSec: number
  /** provider over raw */
  ratio: number
}

export interface NodeLmResult {
  /** what `--backend auto` picked here, and why */
  auto: NodeBackendChoice
  parameters: number
  context: number
  results: NodeLmFigures[]
}

export async function runNodeLmBench (options: LmBenchSettings & { reps: number }): Promise<NodeLmResult> {
  const job = lmBenchJob(await loadCorpusFromDisk(), options)
  const { arch, spec, shard, shape } = job
  const auto = await useNodeBackend('auto')
  const weights = await initialWeights(arch, 1)
  const trainer = inProcessTrainer()
  const backends: BackendName[] = auto.backend === 'wasm' ? ['wasm'] : [auto.backend, 'wasm']
  const results: NodeLmFigures[] = []
  for (const backend of backends) {
    // Switches this process's tfjs to `backend`, where the provider's trainer runs too.
    const raw = await rawTrainer(backend, job)
    const viaProvider = async (steps: number): Promise<number> => {
      const started = performance.now()
      await trainer.train({ architecture: arch, training: { ...spec.training, localSteps: steps }, weights, data: { kind: 'samples', data: shard }, seed: 1 }, {})
      return (steps * options.batchSize * shape.context) / ((performance.now() - started) / 1000)
    }
    const [providerTokensPerSec, rawTokensPerSec] = await bestOf(options.reps, options.steps, viaProvider, raw.train)
    results.push({ backend: `node-${backend}`, providerTokensPerSec, rawTokensPerSec, ratio: providerTokensPerSec / rawTokensPerSec })
  }
  return { auto, parameters: weights.reduce((n, w) => n + w.values.length, 0), context: shape.context, results }
}
