import { describe, expect, it } from 'vitest'
import { encodeDelta } from '../delta/codec.ts'
import { parseTaskSpec } from '../taskSpec.ts'
import { layoutOf, type WeightSet } from '../tensors.ts'
import { computeVersion, NothingToAggregateError } from './compute.ts'
import { decodeVersion, encodeVersion, versionCommitHash } from './blob.ts'

const spec = parseTaskSpec({ model: { template: 'mlp', inputShape: [4], classes: 2, hidden: [3] }, seed: 'aggregation-test' })

function weights (seed: number, scale = 1): WeightSet {
  let x = seed
  const next = (): number => { x = (x * 1103515245 + 12345) % 2147483648; return (x / 2147483648 - 0.5) * scale }
  return [
    { name: 'dense/kernel', shape: [4, 3], values: Float32Array.from({ length: 12 }, next) },
    { name: 'dense/bias', shape: [3], values: Float32Array.from({ length: 3 }, next) }
  ]
}

const limits = { maxDeltaBytes: 1 << 20, maxModelBytes: 1 << 20 }

describe('model version blob', () => {
  it('round-trips weights with and without momentum, byte for byte', () => {
    const w = weights(1)
    const m = weights(2, 0.01)
    const bytes = encodeVersion({ weights: w, momentum: m })
    const back = decodeVersion(bytes, { layout: layoutOf(w) })
    expect(back.weights).toEqual(w)
    expect(back.momentum).toEqual(m)
    expect(encodeVersion(back)).toEqual(bytes)
    expect(decodeVersion(encodeVersion({ weights: w, momentum: null })).momentum).toBeNull()
    expect(() => decodeVersion(bytes.subarray(0, 20))).toThrow()
  })
})

describe('computeVersion', () => {
  const parent = encodeVersion({ weights: weights(1), momentum: null })
  const layout = layoutOf(weights(1))
  const deltas = [0, 1].map((shard) => ({ shard, cid: `0x0155122${shard}` as const, bytes: encodeDelta(weights(10 + shard, 0.02)) }))

  it('gives the same bytes whatever the order of the deltas, and carries the momentum on', async () => {
    const a = computeVersion(spec, layout, parent, deltas, limits)
    const b = computeVersion(spec, layout, parent, [...deltas].reverse(), limits)
    expect(b.bytes).toEqual(a.bytes)
    expect(a.content.momentum).not.toBeNull()
    const next = computeVersion(spec, layout, a.bytes, deltas, limits)
    expect(await versionCommitHash(next.bytes)).not.toBe(await versionCommitHash(a.bytes))
  })

  it('leaves out a delta that fails validation, and refuses when none is left', () => {
    const huge = encodeDelta(weights(3, 100))
    const corrupt = new Uint8Array([1, 2, 3, 4])
    const withBad = [...deltas, { shard: 2, cid: '0x01551229' as const, bytes: huge }, { shard: 3, cid: '0x0155122a' as const, bytes: corrupt }]
    const result = computeVersion(spec, layout, parent, withBad, limits)
    expect(result.used.map((d) => d.shard)).toEqual([0, 1])
    expect([...result.verdicts.values()].map((v) => (v.ok ? 'ok' : v.reason))).toEqual(['ok', 'ok', 'norm', 'layout'])
    expect(result.bytes).toEqual(computeVersion(spec, layout, parent, deltas, limits).bytes)
    expect(() => computeVersion(spec, layout, parent, withBad.slice(3), limits)).toThrow(NothingToAggregateError)
  })

  it('averages the winners of a shard, so a shard counts once however many winners it had', () => {
    const [a, b] = [weights(20, 0.02), weights(21, 0.02)]
    const mean = a.map((t, i) => ({ ...t, values: t.values.map((v, j) => Math.fround((v + b[i]!.values[j]!) / 2)) }))
    const replicas = [{ shard: 0, cid: '0x015512aa' as const, bytes: encodeDelta(a, { scheme: 'float32' }) }, { shard: 0, cid: '0x015512bb' as const, bytes: encodeDelta(b, { scheme: 'float32' }) }]
    const other = { shard: 1, cid: '0x015512cc' as const, bytes: encodeDelta(weights(22, 0.02), { scheme: 'float32' }) }
    const twoWinners = computeVersion(spec, layout, parent, [...replicas, other], limits)
    const averaged = computeVersion(spec, layout, parent, [{ shard: 0, cid: '0x015512dd', bytes: encodeDelta(mean, { scheme: 'float32' }) }, other], limits)
    expect(twoWinners.bytes).toEqual(averaged.bytes)
    expect(twoWinners.used.map((d) => d.cid)).toEqual(['0x015512aa', '0x015512bb', '0x015512cc'])
  })
})
