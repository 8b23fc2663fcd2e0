/**
 * `npm run bench -- commitHash [--reps N] [--json FILE]`
 *
 * A version's commit hash (keccak256 of its blob, docs/protocol.md section 9) as every winner, the
 * pinner and every downloader computes it: `versionCommitHash` (WebAssembly keccak) against viem's
 * `keccak256` (JavaScript), the baseline, on the same blobs in the same run. Blobs hold weights
 * and momentum, as a round's version does: the MNIST MLP of the round bench and the 0.83 M
 * character transformer.
 */
import { keccak256 } from 'viem'
import { architectureFromSpec, weightLayout } from '../../src/core/architecture.ts'
import { encodeVersion, versionCommitHash } from '../../src/core/version/blob.ts'
import { TRANSFORMER_PRESETS } from '../../src/core/taskSpec.ts'
import { shapeSize, type WeightLayout } from '../../src/core/tensors.ts'
import { transformerLayout } from '../../src/core/transformer.ts'
import { randomWeights } from '../../src/testing/randomWeights.ts'
import type { BenchContext } from '../bench.ts'
import { integerFlag, type FlagOptions } from '../cli/args.ts'

export const FLAGS = {
  reps: { type: 'string' }
} as const satisfies FlagOptions

const MODELS: Array<{ model: string, layout: WeightLayout }> = [
  { model: 'MLP 784-256-256-10', layout: weightLayout(architectureFromSpec({ template: 'mlp', inputShape: [784], classes: 10, hidden: [256, 256], activation: 'relu' })) },
  { model: 'char transformer (small, 65 chars)', layout: transformerLayout({ vocab: 65, ...TRANSFORMER_PRESETS.small }) }
]

export interface CommitHashRow {
  model: string
  params: number
  bytes: number
  /** viem keccak256, best of the reps */
  baselineMs: number
  /** versionCommitHash, best of the reps */
  ms: number
  /** baselineMs / ms */
  ratio: number
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<CommitHashRow[]> {
  const reps = integerFlag('--reps', flags.reps ?? '7', 1)
  const rows: CommitHashRow[] = []
  log('model                                params   blob MB   viem ms   wasm ms   ratio')
  for (const { model, layout } of MODELS) {
    const bytes = encodeVersion({ weights: randomWeights(1, layout, 0.05), momentum: randomWeights(2, layout, 1e-3) })
    // Same answer first: a faster hash of other bytes would be no result.
    if (await versionCommitHash(bytes) !== keccak256(bytes)) throw new Error(`versionCommitHash disagrees with keccak256 on the ${model} blob`)
    let baselineMs = Infinity
    let ms = Infinity
    for (let i = 0; i < reps; i++) {
      let t = performance.now()
      keccak256(bytes)
      baselineMs = Math.min(baselineMs, performance.now() - t)
      t = performance.now()
      await versionCommitHash(bytes)
      ms = Math.min(ms, performance.now() - t)
    }
    const params = layout.reduce((n, t) => n + shapeSize(t.shape), 0)
    const row = { model, params, bytes: bytes.length, baselineMs, ms, ratio: baselineMs / ms }
    rows.push(row)
    log(`${model.padEnd(35)} ${String(params).padStart(7)} ${(bytes.length / 1e6).toFixed(2).padStart(9)} ${baselineMs.toFixed(1).padStart(9)} ${ms.toFixed(1).padStart(9)} ${row.ratio.toFixed(1).padStart(7)}`)
  }
  return rows
}
