import { describe, expect, it } from 'vitest'
import { keccak256, type Address, type Hex } from 'viem'
import { randomWeights, SMALL_LAYOUT } from '../../testing/randomWeights.ts'
import { deltaBinding } from '../delta/binding.ts'
import { deltaCidOf } from '../delta/cid.ts'
import { bindDelta, decodeDelta, encodeDelta, type DeltaEncoding } from '../delta/codec.ts'
import { sealDelta } from '../delta/seal.ts'
import { fingerprint } from '../fingerprint.ts'
import type { WeightSet } from '../tensors.ts'
import { fingerprintHash } from './acceptedResults.ts'
import { resultClaim } from './challengeClaim.ts'
import { checkWinners, type DeltaCheckContext, type RevealedCandidate } from './deltaCheck.ts'

const context: DeltaCheckContext = {
  chainId: 31337,
  verifier: '0x00000000000000000000000000000000000000cc',
  taskId: 4,
  round: 2,
  shard: 1,
  attempt: 0,
  fingerprintSeed: 0x1234abcd,
  spec: { fingerprint: { length: 16, resolution: 65536, tolerance: 2048 } },
  layout: SMALL_LAYOUT,
  maxDeltaBytes: 1 << 20
}
const A = '0x00000000000000000000000000000000000000a0' as Address
const B = '0x00000000000000000000000000000000000000b0' as Address
const flipped = (delta: WeightSet): WeightSet => delta.map((t) => ({ ...t, values: t.values.map((v) => -v) }))
const honest = randomWeights(7, SMALL_LAYOUT, 0.01)
const salt = (n: number): Hex => `0x${n.toString(16).padStart(2, '0').repeat(32)}`

/** A provider's result as it really is built: bound, sealed, fingerprinted under the attempt's seed. */
async function result (replica: number, provider: Address, delta: WeightSet, opts: { attempt?: number, fingerprintOf?: WeightSet, encoding?: DeltaEncoding } = {}): Promise<{ candidate: RevealedCandidate, sealed: Uint8Array, plaintext: Uint8Array }> {
  const binding = deltaBinding({ ...context, attempt: opts.attempt ?? context.attempt, provider })
  const plaintext = encodeDelta(delta, { ...opts.encoding, binding })
  const sealed = await sealDelta(plaintext, salt(replica + 1))
  const sketched = decodeDelta(encodeDelta(opts.fingerprintOf ?? delta, opts.encoding), { maxBytes: 1 << 20, expected: SMALL_LAYOUT })
  const fp = Array.from(fingerprint(sketched, { length: 16, seed: context.fingerprintSeed, resolution: 65536 }))
  const candidate = { replica, provider, deltaCid: await deltaCidOf(plaintext), sealedCid: `0x5e${replica}` as Hex, salt: salt(replica + 1), fingerprint: fp }
  return { candidate, sealed, plaintext }
}

function store (entries: Array<{ candidate: RevealedCandidate, sealed: Uint8Array }>): (cid: Hex) => Promise<Uint8Array> {
  const blobs = new Map(entries.map((e) => [e.candidate.sealedCid, e.sealed]))
  return async (cid) => {
    const bytes = blobs.get(cid)
    if (bytes === undefined) throw new Error(`could not fetch ${cid}`)
    return bytes
  }
}

describe('checkWinners', () => {
  it('uses every winner whose sealed bytes open to what it committed and revealed', async () => {
    const a = await result(0, A, honest)
    const b = await result(1, B, honest)
    const checks = await checkWinners([b.candidate, a.candidate], store([a, b]), context)
    expect(checks.faults).toEqual([])
    expect(checks.matching.map((m) => m.replica)).toEqual([0, 1])
    expect(checks.matching[0]!.bytes).toEqual(a.plaintext)
    // Identical floats, different providers: different bytes and CIDs.
    expect(a.candidate.deltaCid).not.toBe(b.candidate.deltaCid)
  })

  it('attack: a winner that revealed the honest fingerprint over a sign-flipped delta is reported, and only the honest one used', async () => {
    const evil = await result(0, A, flipped(honest), { fingerprintOf: honest })
    const good = await result(1, B, honest)
    const checks = await checkWinners([evil.candidate, good.candidate], store([evil, good]), context)
    expect(checks.matching.map((m) => m.replica)).toEqual([1])
    expect(checks.faults).toHaveLength(1)
    expect(checks.faults[0]).toMatchObject({ replica: 0, provider: A })
    expect(checks.faults[0]!.reason).toMatch(/its bytes fingerprint \d+ away from the fingerprint it revealed/)
  })

  it('attack (copier): the honest sealed delta and fingerprint claimed under the copier\'s own name are refused', async () => {
    const good = await result(1, B, honest)
    // After the reveals the copier knows the honest salt; its own commitment had to name a CID before.
    const copied = { candidate: { ...good.candidate, replica: 0, provider: A }, sealed: good.sealed }
    const checks = await checkWinners([copied.candidate, good.candidate], store([good]), context)
    expect(checks.matching.map((m) => m.replica)).toEqual([1])
    expect(checks.faults[0]!.reason).toMatch(/not a valid delta of its own .*bound to/)
  })

  it('attack (re-run copier): a delta bound to an earlier attempt is refused', async () => {
    const stale = await result(0, A, honest, { attempt: 1 })
    const checks = await checkWinners([stale.candidate], store([stale]), { ...context, attempt: 2 })
    expect(checks.matching).toEqual([])
    expect(checks.faults[0]!.reason).toMatch(/bound to/)
  })

  it('attack: sealed bytes that do not open with the revealed salt, or open to another CID, are faults, not crashes', async () => {
    const a = await result(0, A, honest)
    const b = await result(1, B, honest)
    const wrongSalt = { ...a.candidate, salt: salt(9) }
    const wrongCid = { ...b.candidate, deltaCid: a.candidate.deltaCid }
    const checks = await checkWinners([wrongSalt, wrongCid], store([a, b]), context)
    expect(checks.matching).toEqual([])
    expect(checks.faults[0]!.reason).toMatch(/does not open/)
    expect(checks.faults[1]!.reason).toMatch(/opens to 0x\w+, not the committed/)
  })

  it('accepts a consistent delta bound to its revealer (what a copier could build only after commits closed)', async () => {
    const good = await result(1, B, honest)
    const rebound = bindDelta(good.plaintext, deltaBinding({ ...context, provider: A }))
    const forged = { candidate: { ...good.candidate, replica: 0, provider: A, deltaCid: await deltaCidOf(rebound), sealedCid: '0x5e9' as Hex, salt: salt(5) }, sealed: await sealDelta(rebound, salt(5)) }
    // A copier who rebinds the honest bytes after the reveal could only do so after commits closed:
    // its commitment named another CID. Its bytes themselves check out, which is why the sealing matters.
    const checks = await checkWinners([forged.candidate], store([forged]), context)
    expect(checks.matching.map((m) => m.replica)).toEqual([0])
  })

  it('claims what its check found: the plaintext with the recomputed fingerprint, the plaintext alone when it fails its checks, the sealed bytes when they do not open', async () => {
    const evil = await result(0, A, flipped(honest), { fingerprintOf: honest })
    const stale = await result(1, B, honest, { attempt: 3 })
    const unopened = await result(2, B, honest)
    const good = await result(3, A, honest)
    const checks = await checkWinners([evil.candidate, stale.candidate, { ...unopened.candidate, salt: salt(9) }, good.candidate], store([evil, stale, unopened, good]), context)
    const sketch = (delta: WeightSet): number[] => Array.from(fingerprint(decodeDelta(encodeDelta(delta), { maxBytes: 1 << 20, expected: SMALL_LAYOUT }), { length: 16, seed: context.fingerprintSeed, resolution: 65536 }))
    expect(checks.faults.map((f) => f.claim)).toEqual([
      resultClaim(keccak256(evil.plaintext), fingerprintHash(sketch(flipped(honest)))),
      resultClaim(keccak256(stale.plaintext)),
      resultClaim(keccak256(unopened.sealed))
    ])
    expect(checks.matching[0]!.claim).toBe(resultClaim(keccak256(good.plaintext), fingerprintHash(good.candidate.fingerprint)))
    // A watcher that knows only the reveal cannot make it: the CIDs are sha256, the claim keccak256.
    expect(checks.faults[0]!.claim).not.toBe(resultClaim(keccak256(evil.candidate.deltaCid), fingerprintHash(evil.candidate.fingerprint)))
  })

  it('does not leave out a delta it could not fetch: the error propagates', async () => {
    const a = await result(0, A, honest)
    const b = await result(1, B, honest)
    await expect(checkWinners([a.candidate, b.candidate], store([b]), context)).rejects.toThrow('could not fetch 0x5e0')
  })
})

describe('checkWinners in a top-k task', () => {
  const topk: DeltaCheckContext = { ...context, spec: { ...context.spec, delta: { scheme: 'topk', chunkSize: 16, fraction: 0.25, bits: 2 } } }
  const encoding = { scheme: 'topk', chunkSize: 16, topK: 4, bits: 2 } as const

  it('uses winners whose bytes have the task\'s encoding, fingerprinted as decoded from those bytes', async () => {
    const a = await result(0, A, honest, { encoding })
    const b = await result(1, B, honest, { encoding })
    const checks = await checkWinners([a.candidate, b.candidate], store([a, b]), topk)
    expect(checks.faults).toEqual([])
    expect(checks.matching.map((m) => m.replica)).toEqual([0, 1])
  })

  it('reports a winner whose delta is encoded otherwise (dense int8, or another k), even with the fingerprint of its own bytes', async () => {
    const dense = await result(0, A, honest)
    const otherK = await result(1, B, honest, { encoding: { ...encoding, topK: 8 } })
    const checks = await checkWinners([dense.candidate, otherK.candidate], store([dense, otherK]), topk)
    expect(checks.matching).toEqual([])
    expect(checks.faults.map((f) => f.reason)).toEqual([
      'its bytes are not a valid delta of its own (encoded as int8, expected topk)',
      'its bytes are not a valid delta of its own (k 8 values per chunk, expected 4)'
    ])
    // The header checks a contract makes pass: this is the referee's to judge, not a fraud proof.
    expect(checks.faults.every((f) => f.proof === undefined)).toBe(true)
  })
})
