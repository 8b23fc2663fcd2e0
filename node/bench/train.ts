/**
 * `npm run bench -- train [--steps N] [--batch N] [--hidden N] [--reps N] [--backends webgpu,wasm,cpu] [--json FILE]`
 *
 * Serves the app with an in-process Vite dev server, opens it in headless Chromium (WebGPU on
 * SwiftShader, as the e2e tests run it) and compares, per backend, samples/s of the full worker
 * path against a raw tfjs `fit` loop in the same page (see src/train/trainBench.ts).
 */
import { BACKENDS } from '../../src/train/backendChoice.ts'
import type { BenchResult } from '../../src/train/trainBench.ts'
import type { BenchContext } from '../bench.ts'
import { choiceListFlag, integerFlag, type FlagOptions } from '../cli/args.ts'
import { withBenchPage } from './_page.ts'

export const FLAGS = {
  steps: { type: 'string' },
  batch: { type: 'string' },
  hidden: { type: 'string' },
  reps: { type: 'string' },
  backends: { type: 'string' }
} as const satisfies FlagOptions

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<BenchResult & { settings: Record<string, unknown> }> {
  const steps = integerFlag('--steps', flags.steps ?? '100', 1)
  const batchSize = integerFlag('--batch', flags.batch ?? '64', 1)
  const hidden = integerFlag('--hidden', flags.hidden ?? '128', 1)
  const reps = integerFlag('--reps', flags.reps ?? '5', 1)
  const backends = choiceListFlag('--backends', flags.backends ?? 'webgpu,webgl,wasm,cpu', BACKENDS)
  return await withBenchPage({ log }, async (page) => {
    log(`MLP 784-${hidden}-10, SGD, batch ${batchSize}, ${steps} steps per measurement, best of ${reps}`)
    const result = await page.evaluate(async (options) => {
      const path = '/src/train/trainBench.ts'
      const bench = await import(/* @vite-ignore */ path) as typeof import('../../src/train/trainBench.ts')
      return await bench.runTrainBench(options)
    }, { backends, steps, batchSize, hidden, reps })
    log('backend  worker samples/s  raw fit samples/s  ratio  (worker loop alone)')
    for (const r of result.results) {
      log(`${r.backend.padEnd(8)} ${r.workerSamplesPerSec.toFixed(0).padStart(16)} ${r.rawSamplesPerSec.toFixed(0).padStart(18)}  ${r.ratio.toFixed(3)}  (${r.loopSamplesPerSec.toFixed(0)})`)
    }
    for (const u of result.unavailable) log(`${u.backend.padEnd(8)} unavailable: ${u.error}`)
    log(`probe picked: ${result.probePicked}`)
    return { ...result, settings: { model: `mlp 784-${hidden}-10`, optimizer: 'sgd', batchSize, steps, reps } }
  })
}
