import { keccak256, toHex, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, it } from 'vitest'
import { versionTypedData, type RegistryDomain, type SignerSignature, type VersionContent } from './signature.ts'
import { checkVersionSigners, gatheringOver, requiredSigners, type SignedVersion } from './signers.ts'

const domain: RegistryDomain = { name: 'MLBridge ModelRegistry', version: '1', chainId: 31337, verifyingContract: '0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9' }
const aggregator = privateKeyToAccount(`0x${'11'.repeat(32)}`)
const confirmer = privateKeyToAccount(`0x${'22'.repeat(32)}`)
const third = privateKeyToAccount(`0x${'33'.repeat(32)}`)
const outsider = privateKeyToAccount(`0x${'44'.repeat(32)}`)

const content: VersionContent = {
  taskId: 3n,
  round: 1n,
  parent: 4n,
  data: {
    modelCid: `0x01551220${keccak256(toHex('model')).slice(2)}`,
    commitHash: keccak256(toHex('weights')),
    deltaRoot: keccak256(toHex('deltas')),
    dataHash: keccak256(toHex('data')),
    accuracyBps: 9100,
    loss: 250_000n
  }
}

async function signed (account: typeof aggregator, over: VersionContent = content): Promise<SignerSignature> {
  return { signer: account.address, signature: await account.signTypedData(versionTypedData(domain, over)) }
}

async function check (signatures: SignerSignature[], overrides: Partial<SignedVersion> = {}) {
  return await checkVersionSigners({
    domain, content, signatures, winners: [aggregator.address, confirmer.address], confirmations: 1, finalBySignatures: true, ...overrides
  })
}

describe('a version\'s signatures and signers, checked again', () => {
  it('passes the winners\' real signatures of the stored content, a majority of the winners', async () => {
    // Winners as events name them need not share the signature's case.
    const winners = [aggregator.address.toLowerCase() as Hex, confirmer.address]
    expect(await check([await signed(aggregator), await signed(confirmer)], { winners })).toEqual({ counted: 2, winners: 2, required: 2, faults: [] })
  })

  it('fails a valid signature by a signer that won no shard of the round', async () => {
    const { faults } = await check([await signed(aggregator), await signed(confirmer), await signed(outsider)])
    expect(faults).toEqual([{ field: 'signers', reason: `${outsider.address} won no shard of round 1` }])
  })

  it('fails a winner\'s signature over another parent or another commit hash', async () => {
    const otherParent = await check([await signed(aggregator), await signed(confirmer, { ...content, parent: 3n })])
    expect(otherParent.faults.map((f) => f.field)).toEqual(['signature', 'signers'])
    expect(otherParent.faults[0]!.reason).toBe(`${confirmer.address}'s signature is not a Version signature of the stored content with task 3, round 1 and parent 4`)
    const otherModel = await check([await signed(aggregator, { ...content, data: { ...content.data, commitHash: keccak256(toHex('other weights')) } }), await signed(confirmer)])
    expect(otherModel.faults[0]).toMatchObject({ field: 'signature', reason: expect.stringContaining(aggregator.address) as string })
    // A signature that does not count leaves the version short of its majority.
    expect(otherModel.counted).toBe(1)
    expect(otherModel.faults[1]).toMatchObject({ field: 'signers', reason: expect.stringMatching(/^final by 1 valid signers of 2 winners, where it needs 2/) as string })
  })

  it('fails a version final by too few signers, but not one final by its quiet window', async () => {
    const winners = [aggregator.address, confirmer.address, third.address]
    const alone = [await signed(aggregator)]
    expect(await check(alone, { winners })).toEqual({
      counted: 1, winners: 3, required: 2, faults: [{ field: 'signers', reason: 'final by 1 valid signers of 3 winners, where it needs 2 (1 + max(confirmations 1, ⌊3 / 2⌋))' }]
    })
    expect(await check(alone, { winners, finalBySignatures: false })).toEqual({ counted: 1, winners: 3, faults: [] })
  })

  it('counts a signer once, and names a version nobody proposed', async () => {
    const twice = await signed(confirmer)
    const { counted, faults } = await check([await signed(aggregator), twice, twice], { confirmations: 2 })
    expect(counted).toBe(2)
    expect(faults.map((f) => f.reason)).toEqual([`${confirmer.address} is counted twice`, expect.stringMatching(/needs 3/) as string])
    expect((await check([], { finalBySignatures: false })).faults).toEqual([{ field: 'signers', reason: 'no aggregator\'s signature (no VersionProposed)' }])
  })

  it('needs the aggregator and the task\'s confirmations, and a strict majority of the winners', () => {
    expect(requiredSigners(1, 2)).toBe(2)
    expect(requiredSigners(1, 4)).toBe(3)
    expect(requiredSigners(1, 5)).toBe(3)
    expect(requiredSigners(3, 2)).toBe(4)
  })
})

describe('gatheringOver: when the aggregator stops waiting for endorsements', () => {
  // Eight winners: the aggregator and 7 others; a final proposal needs 1 + 4 signers, so 4 others.
  const base = { others: 7, needed: requiredSigners(1, 8) - 1, allWaitMs: 5000, finalityWaitMs: 20_000 }

  it('stops as soon as every other winner endorsed', () => {
    expect(base.needed).toBe(4)
    expect(gatheringOver({ ...base, endorsed: 7, waitedMs: 10 })).toBe(true)
  })

  it('waits for every winner up to allWaitMs, then stops once those that came make the proposal final', () => {
    expect(gatheringOver({ ...base, endorsed: 6, waitedMs: 4999 })).toBe(false)
    expect(gatheringOver({ ...base, endorsed: 4, waitedMs: 5000 })).toBe(true)
  })

  it('keeps waiting past allWaitMs while too few came for finality, up to finalityWaitMs', () => {
    expect(gatheringOver({ ...base, endorsed: 3, waitedMs: 5000 })).toBe(false)
    expect(gatheringOver({ ...base, endorsed: 3, waitedMs: 19_999 })).toBe(false)
    expect(gatheringOver({ ...base, endorsed: 3, waitedMs: 20_000 })).toBe(true)
    expect(gatheringOver({ ...base, endorsed: 0, waitedMs: 20_000 })).toBe(true)
  })

  it('never waits less than allWaitMs for finality, even when finalityWaitMs is shorter', () => {
    expect(gatheringOver({ ...base, finalityWaitMs: 1000, endorsed: 0, waitedMs: 4000 })).toBe(false)
    expect(gatheringOver({ ...base, finalityWaitMs: 1000, endorsed: 0, waitedMs: 5000 })).toBe(true)
  })
})
