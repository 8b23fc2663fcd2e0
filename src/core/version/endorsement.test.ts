import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { keccak256, toHex, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { anyWallet, createMessageVerifier, encodeTaskMessage, endorsementSchema, InvalidMessageError, taskTopic, walletMessageSigner, type Endorsement } from '../messages/index.ts'
import { checkEndorsement, type ExpectedVersion } from './endorsement.ts'
import { ascendingSigners, verifyVersionSignature, versionTypedData, type RegistryDomain, type VersionContent } from './signature.ts'

const PEER = '12D3KooWKM14WjmyrowSbrdTQjZirFG4tXcJaAez84B4utq3r1H6'
const NOW = 1_800_000_000_000
const domain: RegistryDomain = { name: 'MLBridge ModelRegistry', version: '1', chainId: 31337, verifyingContract: '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512' }
const winner = privateKeyToAccount(generatePrivateKey())
const other = privateKeyToAccount(generatePrivateKey())
const outsider = privateKeyToAccount(generatePrivateKey())
const lower = (a: Address): Address => a.toLowerCase() as Address

const content: VersionContent = {
  taskId: 7n,
  round: 2n,
  parent: 5n,
  data: {
    modelCid: '0x01551220671c7cf6cad3762561728f2d7a968a131fe43d2e4ccbe7f2f9e9c0f3d3000709',
    commitHash: keccak256(toHex('weights')),
    deltaRoot: keccak256(toHex('deltas')),
    dataHash: keccak256(toHex('data')),
    accuracyBps: 9123,
    loss: 312_500n
  }
}
const expected: ExpectedVersion = {
  domain, taskId: 7n, round: 2n, parent: 5n, ...content.data, metrics: { accuracyBps: 9123, loss: 312_500n }, winners: [lower(winner.address), lower(other.address)]
}

async function endorsementBy (account: typeof winner, signed: VersionContent = content): Promise<Endorsement> {
  const signature = await account.signTypedData(versionTypedData(domain, signed))
  const { taskId, round, parent, data } = content
  return endorsementSchema.parse({ type: 'endorsement', taskId: taskId.toString(), round: Number(round), parent: parent.toString(), ...data, loss: data.loss.toString(), signer: account.address, signature })
}

describe('Version signatures', () => {
  it('verifies a signature against its domain and content, and nothing else', async () => {
    const signature = await winner.signTypedData(versionTypedData(domain, content))
    expect(await verifyVersionSignature(domain, content, { signer: winner.address, signature })).toBe(true)
    expect(await verifyVersionSignature(domain, content, { signer: other.address, signature })).toBe(false)
    expect(await verifyVersionSignature({ ...domain, chainId: 1 }, content, { signer: winner.address, signature })).toBe(false)
    expect(await verifyVersionSignature(domain, { ...content, round: 3n }, { signer: winner.address, signature })).toBe(false)
    expect(await verifyVersionSignature(domain, content, { signer: winner.address, signature: '0x1234' })).toBe(false)
  })

  it('orders signers as the registry wants them: ascending, one each', () => {
    const sorted = ascendingSigners([
      { signer: '0xBB00000000000000000000000000000000000000', signature: '0x01' },
      { signer: '0xaa00000000000000000000000000000000000000', signature: '0x02' },
      { signer: '0xbb00000000000000000000000000000000000000', signature: '0x03' }
    ])
    expect(sorted.map((s) => s.signature)).toEqual(['0x02', '0x03'])
  })
})

describe('endorsement messages', () => {
  it('accepts a winner\'s endorsement of the recomputed content', async () => {
    const e = await endorsementBy(winner)
    expect(await checkEndorsement(e, lower(winner.address), expected)).toEqual({ ok: true, content })
    // An endorser adopts the aggregator's metrics: without them only the recomputed fields count.
    const { metrics: _, ...withoutMetrics } = expected
    expect((await checkEndorsement(e, lower(winner.address), withoutMetrics)).ok).toBe(true)
  })

  it('attack (forged signature): a signature by someone else in a winner\'s name is refused', async () => {
    const forged = { ...await endorsementBy(other), signer: lower(winner.address) }
    expect(await checkEndorsement(forged, lower(winner.address), expected)).toMatchObject({ ok: false, reason: 'bad-signature' })
    // signed over other content than the message carries
    const swapped = await endorsementBy(winner, { ...content, data: { ...content.data, loss: 1n } })
    expect(await checkEndorsement(swapped, lower(winner.address), expected)).toMatchObject({ ok: false, reason: 'bad-signature' })
  })

  it('attack (non-winner): an endorsement by a provider that did not win the round is refused', async () => {
    const e = await endorsementBy(outsider)
    expect(await checkEndorsement(e, lower(outsider.address), expected)).toMatchObject({ ok: false, reason: 'not-a-winner' })
  })

  it('attack (other content): an endorsement of content differing from the recomputation is refused', async () => {
    const wrong = { ...content, data: { ...content.data, commitHash: keccak256(toHex('poisoned')) } }
    const e = { ...await endorsementBy(winner, wrong), commitHash: wrong.data.commitHash }
    expect(await checkEndorsement(e, lower(winner.address), expected)).toMatchObject({ ok: false, reason: 'other-content' })
    const metrics = { ...await endorsementBy(winner), accuracyBps: 10_000 }
    expect(await checkEndorsement(metrics, lower(winner.address), expected)).toMatchObject({ ok: false, reason: 'other-content' })
    const stale = { ...await endorsementBy(winner), round: 1 }
    expect(await checkEndorsement(stale, lower(winner.address), expected)).toMatchObject({ ok: false, reason: 'other-round' })
  })

  it('attack (relayed in another\'s name): the signer must be the wallet that sent the message', async () => {
    const e = await endorsementBy(winner)
    expect(await checkEndorsement(e, lower(other.address), expected)).toMatchObject({ ok: false, reason: 'not-sender' })
  })

  it('refuses malformed bodies by schema: lengths, hex, sizes, unknown keys', async () => {
    const e = await endorsementBy(winner)
    const bad: Array<Record<string, unknown>> = [
      { commitHash: '0x1234' },
      { deltaRoot: `0x${'zz'.repeat(32)}` },
      { modelCid: '0x' },
      { modelCid: `0x${'00'.repeat(129)}` },
      { signature: `0x${'00'.repeat(64)}` },
      { signer: '0x1234' },
      { loss: '18446744073709551616' },
      { loss: '-1' },
      { parent: '01' },
      { accuracyBps: 10_001 },
      { round: -1 },
      { extra: true }
    ]
    for (const change of bad) expect(endorsementSchema.safeParse({ ...e, ...change }).success, JSON.stringify(change)).toBe(false)
  })

  it('travels as a signed task message and is refused with a named reason when malformed', async () => {
    const verifier = createMessageVerifier({ chainId: 31337, membership: anyWallet, now: () => NOW })
    const signer = walletMessageSigner(winner, PEER, 31337)
    const e = await endorsementBy(winner)
    const msg = await verifier.verify(await encodeTaskMessage(signer, '7', 'endorsements', e, { now: () => NOW }), { topic: taskTopic('7', 'endorsements'), peerId: PEER })
    expect(msg).toMatchObject({ kind: 'endorsements', from: lower(winner.address), body: e })
    const err = await encodeTaskMessage(signer, '7', 'endorsements', { ...e, signature: '0x00' }, { now: () => NOW }).catch((x: unknown) => x)
    expect(err).toBeInstanceOf(InvalidMessageError)
    expect((err as InvalidMessageError).reason).toBe('bad-body')
  })
})
