/**
 * Browser side of `npm run bench -- lm`: tokens/s of the character transformer through the full
 * worker path (worker + comlink + progress + delta encode) against the same training loop in raw
 * tfjs on this page's main thread (the same forward pass, optimizer and batches, nothing else),
 * per backend, on windows of the bundled Moby Dick. Both warm up first and keep the best of `reps`
 * alternating runs.
 */
import { registerBackends, useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { fetchCorpus } from './data/corpus.ts'
import { bestOf, lmBenchJob, rawTrainer, type LmBenchSettings } from './lmBenchJob.ts'
import { initialWeights } from './model.ts'
import { startTrainer } from './trainerClient.ts'
import { tfjsWasmPaths } from './wasmAssets.ts'

export interface LmBenchOptions extends LmBenchSettings {
  backends: BackendName[]
  reps: number
}

export interface LmBackendFigures {
  backend: BackendName
  workerTokensPerSec: number
  rawTokensPerSec: number
  /** worker over raw: the goal is at least 0.95 */
  ratio: number
}

export interface LmBenchResult {
  parameters: number
  context: number
  results: LmBackendFigures[]
  unavailable: Array<{ backend: BackendName, error: string }>
}

export async function runLmBench (options: LmBenchOptions): Promise<LmBenchResult> {
  const job = lmBenchJob(await fetchCorpus(location.origin), options)
  const { arch, spec, shard } = job
  const context = job.shape.context
  await registerBackends(tfjsWasmPaths)
  await useBackend('cpu')
  const weights = await initialWeights(arch, 1)

  const results: LmBackendFigures[] = []
  const unavailable: LmBenchResult['unavailable'] = []
  for (const backend of options.backends) {
    const trainer = startTrainer({ getItem: () => null, setItem: () => {} })
    try {
      const request = { architecture: arch, training: spec.training, weights, data: { kind: 'samples' as const, data: shard }, seed: 1 }
      const viaWorker = async (steps: number): Promise<number> => {
        const started = performance.now()
        await trainer.train({ ...request, training: { ...spec.training, localSteps: steps } }, { backend })
        return (steps * options.batchSize * context) / ((performance.now() - started) / 1000)
      }
      const raw = await rawTrainer(backend, job)
      const [workerTokensPerSec, rawTokensPerSec] = await bestOf(options.reps, options.steps, viaWorker, raw.train)
      results.push({ backend, workerTokensPerSec, rawTokensPerSec, ratio: workerTokensPerSec / rawTokensPerSec })
    } catch (error) {
      unavailable.push({ backend, error: error instanceof Error ? error.message : String(error) })
    } finally {
      trainer.terminate()
    }
  }
  return { parameters: weights.reduce((n, w) => n + w.values.length, 0), context, results, unavailable }
}
