/**
 * Browser side of `npm run bench -- lm`: tokens/s of the character transformer through the full
 * worker path (worker + comlink + progress + delta encode) against the same training loop in raw
 * tfjs (lmBenchLoop.ts) in a plain worker, and for scale on this page's main thread, per backend,
 * on windows of the bundled Moby Dick. Each warms up first and keeps the best of `reps`
 * alternating runs.
 */
import { registerBackends, useBackend } from './backend.ts'
import type { BackendName } from './backendChoice.ts'
import { fetchCorpus } from './data/corpus.ts'
import { initialWeights } from './model.ts'
import { bestOf, lmBenchJob, rawLoopTokensPerSec, type LmBenchSettings, type RawLoopJob } from './lmBenchJob.ts'
import { startTrainer } from './trainerClient.ts'
import { tfjsWasmPaths } from './wasmAssets.ts'

export interface LmBenchOptions extends LmBenchSettings {
  backends: BackendName[]
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
  const { spec, arch, context, shard, tokens } = lmBenchJob(await fetchCorpus(location.origin), options)
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
      // `job` trains `options.steps` steps (lmBenchJob sets them as localSteps), as `rawJob` does.
      const viaWorker = async (): Promise<number> => {
        const started = performance.now()
        await trainer.train(job, { backend })
        return tokens / ((performance.now() - started) / 1000)
      }
      const rawJob: RawLoopJob = { backend, architecture: arch, training: spec.training, weights, shard, steps: options.steps }
      const [workerTokensPerSec, rawTokensPerSec, rawMainThreadTokensPerSec] = await bestOf(options.reps, [
        viaWorker,
        async () => await raw.run(rawJob),
        async () => await rawLoopTokensPerSec(rawJob)
      ]) as [number, number, number]
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
