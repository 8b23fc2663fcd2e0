/**
 * `npm run bench -- deltaCodec [--rounds N] [--shards N] [--json FILE]`
 *
 * The delta codecs on synthetic deltas, no training: bytes per round for a 0.83 M-parameter
 * character transformer (float32, int8, topk at p = 1% with 2 and 4 bits); how often replicas whose
 * deltas differ by float noise keep different values and how far apart their fingerprints land;
 * and error feedback against redundancy (src/testing/replicaDrift.ts): no error feedback, residuals
 * against a replica's own payload or against the accepted one, with stable or redrawn replica
 * groups. Baselines are in the same run: float32 and int8 sizes, and the no-feedback variant.
 */
import { decodeDelta, encodeDelta, resolveEncoding, type DeltaEncoding, type ResolvedEncoding } from '../../src/core/delta/codec.ts'
import { fingerprint, fingerprintDistance } from '../../src/core/fingerprint.ts'
import { Rng } from '../../src/core/random.ts'
import type { WeightLayout, WeightSet } from '../../src/core/tensors.ts'
import { randomWeights } from '../../src/testing/randomWeights.ts'
import { replicaDrift, type Accounting } from '../../src/testing/replicaDrift.ts'
import type { BenchContext } from '../bench.ts'
import { integerFlag, type FlagOptions } from '../cli/args.ts'

export const FLAGS = {
  rounds: { type: 'string' },
  shards: { type: 'string' }
} as const satisfies FlagOptions

/** 4 pre-norm blocks of width 128 (4 heads), context 128, a 65-character vocabulary: 826,433 values. */
export function charTransformerLayout (vocab = 65, width = 128, context = 128, blocks = 4): WeightLayout {
  const norm = (name: string): WeightLayout => [{ name: `${name}/gamma`, shape: [width] }, { name: `${name}/beta`, shape: [width] }]
  const dense = (name: string, from: number, to: number): WeightLayout => [{ name: `${name}/kernel`, shape: [from, to] }, { name: `${name}/bias`, shape: [to] }]
  return [
    { name: 'token_embedding', shape: [vocab, width] },
    { name: 'position_embedding', shape: [context, width] },
    ...Array.from({ length: blocks }, (_, b) => [
      ...norm(`block${b}/ln1`), ...dense(`block${b}/attention/qkv`, width, 3 * width), ...dense(`block${b}/attention/out`, width, width),
      ...norm(`block${b}/ln2`), ...dense(`block${b}/mlp/up`, width, 4 * width), ...dense(`block${b}/mlp/down`, 4 * width, width)
    ]).flat(),
    ...norm('ln_f'),
    ...dense('head', width, vocab)
  ]
}

const CODECS: Record<string, DeltaEncoding> = {
  float32: { scheme: 'float32' },
  int8: { scheme: 'int8' },
  'topk p=1% 2-bit': { scheme: 'topk', bits: 2 },
  'topk p=1% 4-bit': { scheme: 'topk', bits: 4 }
}

function withNoise (delta: WeightSet, noise: number, seed: number): WeightSet {
  const rng = new Rng(seed)
  return delta.map((t) => ({ ...t, values: t.values.map((v) => v * (1 + noise * rng.nextNormal())) }))
}

export async function run ({ flags, log }: BenchContext<typeof FLAGS>): Promise<unknown> {
  const rounds = integerFlag('--rounds', flags.rounds ?? '20', 1)
  const shards = integerFlag('--shards', flags.shards ?? '4', 1)
  const layout = charTransformerLayout()
  const delta = randomWeights(1, layout, 1e-3)
  const parameters = delta.reduce((n, t) => n + t.values.length, 0)

  const sizes = Object.entries(CODECS).map(([codec, encoding]) => {
    const started = performance.now()
    const bytes = encodeDelta(delta, encoding)
    const encodeMs = performance.now() - started
    return { codec, bytes: bytes.length, encodeMs: Math.round(encodeMs) }
  })
  const float32 = sizes[0]!.bytes
  const int8 = sizes[1]!.bytes
  log(`bytes per delta, ${parameters} parameters:`)
  for (const s of sizes) log(`  ${s.codec.padEnd(18)} ${String(s.bytes).padStart(9)} B  float32/x ${(float32 / s.bytes).toFixed(1).padStart(6)}  int8/x ${(int8 / s.bytes).toFixed(1).padStart(5)}  encode ${s.encodeMs} ms`)

  const replicaNoise: Array<{ noise: number, codec: string, pickDisagreement: number, fingerprintDistance: number }> = []
  log('replicas whose deltas differ by relative float noise (one round, no error feedback): kept values B lacks, fingerprint distance (max of 4 seeds, k = 32, R = 2^16; tolerance 2048):')
  for (const noise of [1e-6, 1e-5, 1e-4, 1e-3, 1e-2]) {
    const other = withNoise(delta, noise, 2)
    for (const [codec, encoding] of Object.entries(CODECS).slice(1)) {
      const a = decodeDelta(encodeDelta(delta, encoding), { expected: layout, maxBytes: 1 << 28 })
      const b = decodeDelta(encodeDelta(other, encoding), { expected: layout, maxBytes: 1 << 28 })
      let kept = 0
      let missed = 0
      a.forEach((t, i) => t.values.forEach((v, j) => { if (v !== 0) { kept++; if (b[i]!.values[j] === 0) missed++ } }))
      const distance = Math.max(...[1, 2, 3, 4].map((seed) => fingerprintDistance(fingerprint(a, { length: 32, seed }), fingerprint(b, { length: 32, seed }))))
      replicaNoise.push({ noise, codec, pickDisagreement: missed / kept, fingerprintDistance: distance })
      log(`  noise ${noise.toExponential(0)}  ${codec.padEnd(18)} missed ${missed.toString().padStart(5)} of ${kept}  fingerprint distance ${distance}`)
    }
  }

  const mlp: WeightLayout = [{ name: 'w', shape: [784, 128] }, { name: 'b', shape: [128] }, { name: 'v', shape: [128, 10] }, { name: 'c', shape: [10] }]
  const feedback: Array<Record<string, unknown>> = []
  log(`error feedback, ${rounds} rounds x ${shards} shards x 2 replicas, ${mlp.reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0)} values, noise 1e-4, persistent direction weight 0.5:`)
  const variants: Array<[string, Accounting, 'stable' | 'redrawn', ResolvedEncoding]> = []
  for (const bits of [2, 4] as const) {
    const encoding = resolveEncoding({ scheme: 'topk', bits })
    variants.push(
      [`${bits}-bit no feedback`, 'none', 'redrawn', encoding],
      [`${bits}-bit own, stable groups`, 'own', 'stable', encoding],
      [`${bits}-bit accepted, stable groups`, 'accepted', 'stable', encoding],
      [`${bits}-bit accepted, redrawn groups`, 'accepted', 'redrawn', encoding]
    )
  }
  for (const [variant, accounting, groups, encoding] of variants) {
    const result = replicaDrift({ layout: mlp, encoding, rounds, shards, accounting, groups, noise: 1e-4, persistent: 0.5, seed: 7 })
    const last = result.rounds.at(-1)!
    const row = {
      variant,
      meanPickDisagreement: result.rounds.reduce((n, r) => n + r.pickDisagreement, 0) / rounds,
      maxFingerprintDistance: Math.max(...result.rounds.map((r) => r.fingerprintDistance)),
      finalResidualDrift: last.residualDrift,
      lost: result.lost,
      accountingError: result.accountingError
    }
    feedback.push(row)
    log(`  ${variant.padEnd(30)} picks B lacks ${(100 * row.meanPickDisagreement).toFixed(2).padStart(6)}%  max fp distance ${String(row.maxFingerprintDistance).padStart(7)}  residual drift ${row.finalResidualDrift.toExponential(2)}  lost ${(100 * row.lost).toFixed(1)}%  identity error ${row.accountingError.toExponential(1)}`)
  }
  return { parameters, sizes, replicaNoise, feedback, settings: { rounds, shards } }
}
