/**
 * `npm run bench -- lm [--preset tiny|small] [--steps N] [--batch N] [--reps N] [--backends webgpu,wasm,cpu|none] [--gpu] [--node] [--json FILE]`
 *
 * Tokens/s of the character transformer per backend: the full worker path against the same loop
 * in raw tfjs in a plain worker (and on the page's main thread, for scale), in headless Chromium (WebGPU on SwiftShader here; on a
 * machine with a GPU, Chromium's hardware adapter). Rows carry `backend` and `ratio` (worker over
 * raw); see src/train/lmBench.ts. `--node` adds the headless provider's path in this process
 * (`node-webgpu`, `node-wasm`; see _lmNode.ts); `--backends none` leaves Chromium out.
 */
import { BACKENDS } from '../../src/train/backendChoice.ts'
import { describeNodeBackend } from '../../src/train/nodeBackend.ts'
import type { LmBenchResult } from '../../src/train/lmBench.ts'
import type { BenchContext } from '../bench.ts'
import { choiceListFlag, integerFlag, UsageError, type FlagOptions } from '../cli/args.ts'
import { runNodeLmBench, type NodeLmResult } from './_lmNode.ts'
import { withBenchPage } from './_page.ts'

export const FLAGS = {
  preset: { type: 'string' },
  steps: { type: 'string' },
  batch: { type: 'string' },
  reps: { type: 'string' },
  backends: { type: 'string' },
  gpu: { type: 'boolean' },
  node: { type: 'boolean' }
} as const satisfies FlagOptions

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<Partial<LmBenchResult> & { node?: NodeLmResult, settings: Record<string, unknown> }> {
  const preset = flags.preset ?? 'small'
  if (preset !== 'tiny' && preset !== 'small') throw new UsageError(`--preset must be tiny or small, got ${preset}`)
  const steps = integerFlag('--steps', flags.steps ?? (preset === 'tiny' ? '50' : '8'), 1)
  const batchSize = integerFlag('--batch', flags.batch ?? '8', 1)
  const reps = integerFlag('--reps', flags.reps ?? '5', 1)
  const backends = flags.backends === 'none' ? [] : choiceListFlag('--backends', flags.backends ?? 'webgpu,wasm,cpu', BACKENDS)
  if (backends.length === 0 && flags.node !== true) throw new UsageError('--backends none leaves nothing to time without --node')
  // adapter: Chromium's (the Node rows name theirs in node.auto)
  const settings = { preset, optimizer: 'adam', batchSize, steps, reps, ...(backends.length === 0 ? {} : { adapter: flags.gpu === true ? 'hardware' : 'swiftshader' }) }
  log(`character transformer (${preset}), Adam, batch ${batchSize}, ${steps} steps per measurement, best of ${reps}`)
  // --gpu: Chromium on the machine's own GPU adapter instead of SwiftShader (for GPU machines).
  const browser = backends.length === 0
    ? {}
    : await withBenchPage({ log, gpu: flags.gpu === true }, async (page) => {
      const result = await page.evaluate(async (options) => {
        const path = '/src/train/lmBench.ts'
        const bench = await import(/* @vite-ignore */ path) as typeof import('../../src/train/lmBench.ts')
        return await bench.runLmBench(options)
      }, { backends, preset, steps, batchSize, reps } as const)
      log(`${result.parameters.toLocaleString('en-US')} parameters, context ${result.context}`)
      log('backend      worker tokens/s  raw tfjs in a worker  raw tfjs on the main thread  ratio')
      for (const r of result.results) log(`${r.backend.padEnd(12)} ${r.workerTokensPerSec.toFixed(0).padStart(15)} ${r.rawTokensPerSec.toFixed(0).padStart(20)} ${r.rawMainThreadTokensPerSec.toFixed(0).padStart(28)}  ${r.ratio.toFixed(3)}`)
      for (const u of result.unavailable) log(`${u.backend.padEnd(12)} unavailable: ${u.error}`)
      return result
    })
  if (flags.node !== true) return { ...browser, settings }
  const node = await runNodeLmBench({ preset, steps, batchSize, reps })
  log(`in Node, as the headless provider: ${describeNodeBackend(node.auto)}; ${node.parameters.toLocaleString('en-US')} parameters, context ${node.context}`)
  log('backend      provider tokens/s  raw tfjs tokens/s  ratio')
  for (const r of node.results) log(`${r.backend.padEnd(12)} ${r.providerTokensPerSec.toFixed(0).padStart(17)} ${r.rawTokensPerSec.toFixed(0).padStart(18)}  ${r.ratio.toFixed(3)}`)
  return { ...browser, node, settings }
}
