import { createHash } from 'node:crypto'
import * as aggregateModule from '../src/core/aggregate.ts'
import * as codecModule from '../src/core/delta/codec.ts'
import * as fingerprintModule from '../src/core/fingerprint.ts'
import * as outerModule from '../src/core/outer.ts'
import * as randomModule from '../src/core/random.ts'
import * as samplingModule from '../src/core/sampling.ts'
import * as validateModule from '../src/core/validateDelta.ts'
import { expect, test } from './fixtures.ts'

type Load = (path: string) => Promise<unknown>

/**
 * One round of the protocol on fixed seeded inputs: validate, aggregate with every rule, take two
 * outer steps, encode, fingerprint, sample. It runs twice, in Chromium on the modules Vite serves
 * and here in Node on the same source, and returns every byte an honest node must reproduce.
 * It is sent to the page as source text, so it may use nothing but `load` and globals.
 */
async function scenario (load: Load): Promise<{ bytes: Uint8Array, fingerprint: Int32Array }> {
  const { aggregate } = await load('/src/core/aggregate.ts') as typeof import('../src/core/aggregate.ts')
  const { encodeDelta, decodeDelta } = await load('/src/core/delta/codec.ts') as typeof import('../src/core/delta/codec.ts')
  const { fingerprint, fingerprintSeedOf } = await load('/src/core/fingerprint.ts') as typeof import('../src/core/fingerprint.ts')
  const { outerStep } = await load('/src/core/outer.ts') as typeof import('../src/core/outer.ts')
  const { Rng } = await load('/src/core/random.ts') as typeof import('../src/core/random.ts')
  const { shardIndices } = await load('/src/core/sampling.ts') as typeof import('../src/core/sampling.ts')
  const { validateRound } = await load('/src/core/validateDelta.ts') as typeof import('../src/core/validateDelta.ts')

  const task = { seed: 'core-determinism' }
  const layout = [
    { name: 'dense/kernel', shape: [64, 32] },
    { name: 'dense/bias', shape: [32] },
    { name: 'out/kernel', shape: [32, 10] },
    { name: 'out/bias', shape: [10] }
  ]
  // Uniform values from exact arithmetic only, so the inputs themselves cannot differ.
  const weights = (seed: number, scale: number) => {
    const rng = new Rng(seed)
    return layout.map(({ name, shape }) => {
      const values = new Float32Array(shape.reduce((a, b) => a * b, 1))
      for (let i = 0; i < values.length; i++) values[i] = (rng.nextFloat() * 2 - 1) * scale
      return { name, shape, values }
    })
  }
  const ids = ['0xc0ffee', '0x0badf00d', '0xdeadbeef', '0x1234', '0xfeed', '0xabc']
  const contributions = ids.map((id, i) => ({ id, delta: weights(100 + i, 0.01 * (1 + i / 10)) }))
  contributions.push({ id: '0xevil', delta: weights(999, 5) })

  const parts: Uint8Array[] = []
  const { accepted, bound } = validateRound(contributions, layout, { maxNormToMedian: 10 })
  parts.push(new Uint8Array(Float64Array.of(bound, accepted.length).buffer))
  let fingerprintOut: Int32Array = new Int32Array(0)
  for (const rule of ['mean', 'trimmed-mean', 'median', 'centered-clip'] as const) {
    const spec = { rule, trimFraction: 0.2, clipIterations: 3 }
    // Everything, then the accepted deltas only, so both the robust rules and validation count.
    const delta = aggregate(contributions, spec)
    const pinned = decodeDelta(encodeDelta(aggregate(accepted, spec)), { maxBytes: 1 << 24, expected: layout })
    let state = outerStep(weights(7, 0.1), pinned, null, { learningRate: 0.7, momentum: 0.9 })
    state = outerStep(state.params, delta, state.momentum, { learningRate: 0.7, momentum: 0.9 })
    parts.push(encodeDelta(delta, { scheme: 'float32' }), encodeDelta(pinned, { scheme: 'float32' }),
      encodeDelta(state.params, { scheme: 'float32' }), encodeDelta(state.momentum, { scheme: 'float32' }),
      encodeDelta(delta, { scheme: 'int8', chunkSize: 64 }))
    fingerprintOut = fingerprint(pinned, { length: 64, seed: fingerprintSeedOf({ seedBlockHash: `0x${'ab'.repeat(32)}`, taskId: 1, round: 2, shard: 1, attempt: 0 }) })
    parts.push(new Uint8Array(fingerprintOut.buffer))
  }
  parts.push(new Uint8Array(shardIndices(task, { datasetSize: 10_000, round: 2, shard: 1, shardCount: 4, samplesPerShard: 500 }).buffer))

  const bytes = new Uint8Array(parts.reduce((n, part) => n + part.length, 0))
  let offset = 0
  for (const part of parts) {
    bytes.set(part, offset)
    offset += part.length
  }
  return { bytes, fingerprint: fingerprintOut }
}

const nodeModules: Record<string, unknown> = {
  '/src/core/aggregate.ts': aggregateModule,
  '/src/core/delta/codec.ts': codecModule,
  '/src/core/fingerprint.ts': fingerprintModule,
  '/src/core/outer.ts': outerModule,
  '/src/core/random.ts': randomModule,
  '/src/core/sampling.ts': samplingModule,
  '/src/core/validateDelta.ts': validateModule
}

test('@smoke core protocol math gives the same bytes in Chromium and in Node', async ({ peerPage: page }) => {
  const node = await scenario(async (path) => nodeModules[path])
  const nodeResult = {
    sha256: createHash('sha256').update(node.bytes).digest('hex'),
    length: node.bytes.length,
    fingerprint: Array.from(node.fingerprint)
  }

  await page.goto('/')
  const browserResult = await page.evaluate(`(${scenario.toString()})((path) => import(path)).then(async ({ bytes, fingerprint }) => ({
    sha256: Array.from(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes)), (b) => b.toString(16).padStart(2, '0')).join(''),
    length: bytes.length,
    fingerprint: Array.from(fingerprint)
  }))`)

  expect(nodeResult.length).toBeGreaterThan(100_000)
  expect(browserResult).toEqual(nodeResult)
})
