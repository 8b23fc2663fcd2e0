/**
 * Browser side of `npm run bench -- lm`: tokens/s of the character transformer through the full
 * worker path (worker + comlink + progress + delta encode) against the same training loop in raw
 * tfjs (lmBenchLoop.ts) in a plain worker, and for scale on this page's main thread, per backend,
 * on windows of the bundled Moby Dick. Each warms up first and keeps the best of `reps`
 * alternating runs.
 */
import { architectureFromSpec } from '../core/architecture.ts'
import { parseTaskSpec, TRANSFORMER_PRESETS } from '../core/taskSpec.ts'
import { registerBackends, useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { fetchCorpus } from './data/corpus.ts'
import { selectSamples } from './data/dataset.ts'
import { textDataset } from './data/text.ts'
import { initialWeights } from './model.ts'
import { rawLoopTokensPerSec, type RawLoopJob } from './lmBenchLoop.ts'
import { startTrainer } from './trainerClient.ts'
import { tfjsWasmPaths } from './wasmAssets.ts'

export interface LmBenchOptions {
  backends: BackendName[]
  preset: 'tiny' | 'small'
  steps: number
  batchSize: number
  reps: number
}

export interface LmBackendFigures {
  backend: BackendName
  workerTokensPerSec: number
  /** the raw loop in a plain worker: the baseline */
  rawTokensPerSec: number
  /** the raw loop on the page's main thread, for scale */
  rawMainThreadTokensPerSec: number
  /** worker over raw (both in a worker): the goal is at least 0.95 */
  ratio: number
}

export interface LmBenchResult {
  parameters: number
  context: number
  results: LmBackendFigures[]
  unavailable: Array<{ backend: BackendName, error: string }>
}

/** The raw loop in its own plain worker; one worker per backend, like the trainer. */
function rawWorker (): { run: (job: RawLoopJob) => Promise<number>, terminate: () => void } {
  const worker = new Worker(new URL('./lmBenchRaw.worker.ts', import.meta.url), { type: 'module', name: 'raw tfjs' })
  return {
    run: async (job) => await new Promise<number>((resolve, reject) => {
      worker.onmessage = ({ data }: MessageEvent<{ tokensPerSec: number } | { error: string }>) => {
        if ('error' in data) reject(new Error(data.error))
        else resolve(data.tokensPerSec)
      }
      worker.onerror = (event) => { reject(new Error(`the raw tfjs worker failed: ${event.message}`)) }
      worker.postMessage(job)
    }),
    terminate: () => { worker.terminate() }
  }
}

export async function runLmBench (options: LmBenchOptions): Promise<LmBenchResult> {
  const text = await fetchCorpus(location.origin)
  const { context } = TRANSFORMER_PRESETS[options.preset]
  const { vocabulary, data } = textDataset(text.slice(0, 200_000), context)
  const spec = parseTaskSpec({
    model: { template: 'char-transformer', preset: options.preset, vocabulary },
    training: { optimizer: 'adam', learningRate: 0.002, localSteps: options.steps, batchSize: options.batchSize },
    seed: 'lm-bench'
  })
  const arch = architectureFromSpec(spec.model)
  const shard = selectSamples(data, Array.from({ length: options.steps * options.batchSize }, (_, i) => i % data.labels.length))
  await registerBackends(tfjsWasmPaths)
  await useBackend('cpu')
  const weights = await initialWeights(arch, 1)

  const results: LmBackendFigures[] = []
  const unavailable: LmBenchResult['unavailable'] = []
  for (const backend of options.backends) {
    const trainer = startTrainer({ getItem: () => null, setItem: () => {} })
    const raw = rawWorker()
    try {
      const job = { architecture: arch, training: spec.training, weights, data: { kind: 'samples' as const, data: shard }, seed: 1 }
      const viaWorker = async (steps: number): Promise<number> => {
        const started = performance.now()
        await trainer.train({ ...job, training: { ...spec.training, localSteps: steps } }, { backend })
        return (steps * options.batchSize * context) / ((performance.now() - started) / 1000)
      }
      const rawJob: RawLoopJob = { backend, architecture: arch, training: spec.training, weights, shard, steps: options.steps }
      const runners = [
        async () => await viaWorker(options.steps),
        async () => await raw.run(rawJob),
        async () => await rawLoopTokensPerSec(rawJob)
      ]
      // A full measurement each to warm up: timings settle only once WASM has tiered up in every realm.
      for (const run of runners) await run()
      const best = runners.map(() => 0)
      for (let rep = 0; rep < options.reps; rep++) {
        for (const [i, run] of runners.entries()) best[i] = Math.max(best[i] as number, await run())
      }
      const [workerTokensPerSec, rawTokensPerSec, rawMainThreadTokensPerSec] = best as [number, number, number]
      results.push({ backend, workerTokensPerSec, rawTokensPerSec, rawMainThreadTokensPerSec, ratio: workerTokensPerSec / rawTokensPerSec })
    } catch (error) {
      unavailable.push({ backend, error: error instanceof Error ? error.message : String(error) })
    } finally {
      trainer.terminate()
      raw.terminate()
    }
  }
  return { parameters: weights.reduce((n, w) => n + w.values.length, 0), context, results, unavailable }
}
