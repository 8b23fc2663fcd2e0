/**
 * `npm run bench -- lm --node`: the headless provider's path in this process, on the backend
 * `--backend auto` picks (useNodeBackend) and through the provider's in-process trainer (the delta
 * read back and encoded included), against the same loop in raw tfjs. When auto picks WebGPU, WASM
 * is timed too, for the comparison on the same machine.
 */
import { inProcessTrainer } from '../../src/provider/trainers.ts'
import { useBackend } from '../../src/train/backend.ts'
import type { BackendName } from '../../src/train/backendChoice.ts'
import { loadCorpusFromDisk } from '../../src/train/data/corpusNode.ts'
import { bestOf, lmBenchJob, rawLoopTokensPerSec, type LmBenchSettings } from '../../src/train/lmBenchJob.ts'
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
  const { arch, spec, shard, context, tokens } = job
  const auto = await useNodeBackend('auto')
  const weights = await initialWeights(arch, 1)
  const trainer = inProcessTrainer()
  const backends: BackendName[] = auto.backend === 'wasm' ? ['wasm'] : [auto.backend, 'wasm']
  const results: NodeLmFigures[] = []
  for (const backend of backends) {
    const viaProvider = async (): Promise<number> => {
      await useBackend(backend)
      const started = performance.now()
      await trainer.train({ architecture: arch, training: spec.training, weights, data: { kind: 'samples', data: shard }, seed: 1 }, {})
      return tokens / ((performance.now() - started) / 1000)
    }
    // The provider's trainer runs on this process's tfjs backend, like the raw loop: both switch it to `backend`.
    const [providerTokensPerSec, rawTokensPerSec] = await bestOf(options.reps, [
      viaProvider,
      async () => await rawLoopTokensPerSec({ backend, architecture: arch, training: spec.training, weights, shard, steps: options.steps })
    ]) as [number, number]
    results.push({ backend: `node-${backend}`, providerTokensPerSec, rawTokensPerSec, ratio: providerTokensPerSec / rawTokensPerSec })
  }
  return { auto, parameters: weights.reduce((n, w) => n + w.values.length, 0), context, results }
}
