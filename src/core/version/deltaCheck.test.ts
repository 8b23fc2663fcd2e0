import { describe, expect, it } from 'vitest'
import type { Address, Hex } from 'viem'
import { randomWeights, SMALL_LAYOUT } from '../../testing/randomWeights.ts'
import { decodeDelta, encodeDelta } from '../delta/codec.ts'
import { fingerprint, fingerprintSeed } from '../fingerprint.ts'
import type { WeightSet } from '../tensors.ts'
import { chooseDelta, type DeltaCheckContext, type RevealedCandidate } from './deltaCheck.ts'

const context: DeltaCheckContext = {
  spec: { seed: 'delta-check', fingerprint: { length: 16, resolution: 65536, tolerance: 2048 } },
  layout: SMALL_LAYOUT,
  round: 2,
  shard: 1,
  maxDeltaBytes: 1 << 20
}
const sketch = (bytes: Uint8Array): number[] =>
  Array.from(fingerprint(decodeDelta(bytes, { maxBytes: 1 << 20 }), { length: 16, seed: fingerprintSeed(context.spec, 2, 1), resolution: 65536 }))
const flipped = (delta: WeightSet): WeightSet => delta.map((t) => ({ ...t, values: t.values.map((v) => -v) }))

const honest = randomWeights(7, SMALL_LAYOUT, 0.01)
const honestBytes = encodeDelta(honest)
const honestSketch = sketch(honestBytes)
const A = '0x00000000000000000000000000000000000000a0' as Address
const B = '0x00000000000000000000000000000000000000b0' as Address
const candidate = (replica: number, provider: Address, deltaCid: Hex, fp: readonly number[] = honestSketch): RevealedCandidate => ({ replica, provider, deltaCid, fingerprint: fp })

function store (blobs: Record<Hex, Uint8Array>): (cid: Hex) => Promise<Uint8Array> {
  return async (cid) => {
    const bytes = blobs[cid]
    if (bytes === undefined) throw new Error(`could not fetch ${cid}`)
    return bytes
  }
}

describe('chooseDelta', () => {
  it('uses the centre replica when its bytes match the fingerprint it revealed', async () => {
    const choice = await chooseDelta([candidate(1, B, '0x01'), candidate(0, A, '0x02')], store({ '0x01': honestBytes, '0x02': honestBytes }), context)
    expect(choice.chosen?.replica).toBe(1)
    expect(choice.faults).toEqual([])
  })

  it('attack: a centre that revealed the honest fingerprint but pinned a sign-flipped delta is reported, and the next winner used', async () => {
    const evilBytes = encodeDelta(flipped(honest))
    const choice = await chooseDelta([candidate(0, A, '0x0e'), candidate(1, B, '0x0b')], store({ '0x0e': evilBytes, '0x0b': honestBytes }), context)
    expect(choice.chosen).toEqual({ replica: 1, deltaCid: '0x0b', bytes: honestBytes })
    expect(choice.faults).toHaveLength(1)
    expect(choice.faults[0]).toMatchObject({ replica: 0, provider: A, deltaCid: '0x0e' })
    expect(choice.faults[0]!.reason).toMatch(/its bytes fingerprint \d+ away from the fingerprint it revealed/)
  })

  it('attack: bytes that are not a delta at all are a fault, not a crash', async () => {
    const choice = await chooseDelta([candidate(0, A, '0x0e'), candidate(1, B, '0x0b')], store({ '0x0e': new Uint8Array([1, 2, 3]), '0x0b': honestBytes }), context)
    expect(choice.chosen?.replica).toBe(1)
    expect(choice.faults[0]!.reason).toMatch(/not a valid delta/)
  })

  it('leaves the shard out when no winner pinned what it revealed', async () => {
    const choice = await chooseDelta([candidate(0, A, '0x0e', sketch(encodeDelta(flipped(honest)))), candidate(1, B, '0x0b')], store({ '0x0e': honestBytes, '0x0b': encodeDelta(flipped(honest)) }), context)
    expect(choice.chosen).toBeUndefined()
    expect(choice.faults.map((f) => f.replica)).toEqual([0, 1])
  })

  it('does not choose around a delta it could not fetch: the error propagates', async () => {
    await expect(chooseDelta([candidate(0, A, '0x0e'), candidate(1, B, '0x0b')], store({ '0x0b': honestBytes }), context)).rejects.toThrow('could not fetch 0x0e')
  })
})
