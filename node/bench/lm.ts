/**
 * `npm run bench -- lm [--preset tiny|small] [--steps N] [--batch N] [--reps N] [--backends webgpu,wasm,cpu] [--json FILE]`
 *
 * Tokens/s of the character transformer per backend: the full worker path against the same loop
 * in raw tfjs in a plain worker (and on the page's main thread, for scale), in headless Chromium (WebGPU on SwiftShader here; on a
 * machine with a GPU, Chromium's hardware adapter). Rows carry `backend` and `ratio` (worker over
 * raw); see src/train/lmBench.ts.
 */
import { BACKENDS } from '../../src/train/backendChoice.ts'
import type { LmBenchResult } from '../../src/train/lmBench.ts'
import type { BenchContext } from '../bench.ts'
import { choiceListFlag, integerFlag, UsageError, type FlagOptions } from '../cli/args.ts'
import { withBenchPage } from './_page.ts'

export const FLAGS = {
  preset: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  reps: { type: 'string' },
  backends: { type: 'string' },
  gpu: { type: 'boolean' }
} as const satisfies FlagOptions

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<LmBenchResult & { settings: Record<string, unknown> }> {
  const preset = flags.preset ?? 'small'
  if (preset !== 'tiny' && preset !== 'small') throw new UsageError(`--preset must be tiny or small, got ${preset}`)
  const steps = integerFlag('--steps', flags.steps ?? (preset === 'tiny' ? '50' : '8'), 1)
  const batchSize = integerFlag('--batch', flags.batch ?? '8', 1)
  const reps = integerFlag('--reps', flags.reps ?? '5', 1)
  const backends = choiceListFlag('--backends', flags.backends ?? 'webgpu,wasm,cpu', BACKENDS)
  // --gpu: Chromium on the machine's own GPU adapter instead of SwiftShader (for GPU machines).
  return await withBenchPage({ log, gpu: flags.gpu === true }, async (page) => {
    log(`character transformer (${preset}), Adam, batch ${batchSize}, ${steps} steps per measurement, best of ${reps}`)
    const result = await page.evaluate(async (options) => {
      const path = '/src/train/lmBench.ts'
      const bench = await import(/* @vite-ignore */ path) as typeof import('../../src/train/lmBench.ts')
      return await bench.runLmBench(options)
    }, { backends, preset, steps, batchSize, reps } as const)
    log(`${result.parameters.toLocaleString('en-US')} parameters, context ${result.context}`)
    log('backend  worker tokens/s  raw tfjs in a worker  raw tfjs on the main thread  ratio')
    for (const r of result.results) log(`${r.backend.padEnd(8)} ${r.workerTokensPerSec.toFixed(0).padStart(15)} ${r.rawTokensPerSec.toFixed(0).padStart(20)} ${r.rawMainThreadTokensPerSec.toFixed(0).padStart(28)}  ${r.ratio.toFixed(3)}`)
    for (const u of result.unavailable) log(`${u.backend.padEnd(8)} unavailable: ${u.error}`)
    return { ...result, settings: { preset, optimizer: 'adam', batchSize, steps, reps, adapter: flags.gpu === true ? 'hardware' : 'swiftshader' } }
  })
}
