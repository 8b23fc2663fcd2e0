import { parseEther, zeroAddress, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { resultKeyOf } from '../../chain/actions/index.ts'
import { protocolEvent, txHash } from '../../testing/taskEvents.ts'
import { disputesOf, slashReasonWords } from './disputes.ts'

const A = '0x00000000000000000000000000000000000000aa' as Address
const B = '0x00000000000000000000000000000000000000bb' as Address
const C = '0x00000000000000000000000000000000000000cc' as Address
const STAKE = parseEther('100')

const shard = { taskId: 1n, round: 0n, shard: 0n }
const verifier = (name: string, args: Record<string, unknown>, tx = 0) =>
  protocolEvent('ConsensusVerifier', name, { ...shard, ...args }, { transactionHash: txHash(tx) })
const distributor = (name: string, args: Record<string, unknown>, tx: number) =>
  protocolEvent('RewardDistributor', name, args, { transactionHash: txHash(tx) })
/** One slash's events as the contracts emit them in its transaction. */
const slashed = (tx: number, over: { provider: Address, replica: bigint, reason: number, reporter?: Address, forfeited?: bigint }) => [
  ...(over.forfeited === undefined ? [] : [distributor('EarningsForfeited', { provider: over.provider, amount: over.forfeited }, tx)]),
  distributor('Slashed', { provider: over.provider, amount: STAKE, burned: STAKE, reporter: over.reporter ?? zeroAddress, reporterShare: over.reporter === undefined ? 0n : STAKE / 10n }, tx),
  verifier('ResultSlashed', { attempt: 0n, replica: over.replica, provider: over.provider, reason: over.reason, evidence: `0x${'ee'.repeat(32)}`, amount: STAKE }, tx)
]
const resultRef = { taskId: 1n, round: 0, shard: 0, attempt: 0, replica: 0 }
const challenged = (challenger: Address, tx = 0) =>
  protocolEvent('ResultChallenges', 'ResultChallenged', { ...shard, attempt: 0n, replica: 0n, challenger, bond: parseEther('10'), resolveBy: 500n }, { transactionHash: txHash(tx) })
const revealed = (replica: bigint, provider: Address) => verifier('Revealed', { attempt: 0n, replica, provider, deltaCid: '0x', fingerprint: [] })

describe('disputesOf', () => {
  it('follows each split to its verdict, its lapse or the referee still deciding', () => {
    const disputed = (s: bigint, deadline: bigint) => verifier('ShardDisputed', { shard: s, attempt: 0n, revealedMask: 0b11n, refereeDeadline: deadline })
    const events = [
      disputed(0n, 100n),
      disputed(1n, 100n),
      disputed(2n, 200n),
      verifier('SplitResolved', { attempt: 0n, winnersMask: 0b01n, evidence: '0x01' }),
      // The deadline passed: whoever finalized re-queued shard 1 as attempt 1.
      verifier('ShardRequeued', { shard: 1n, attempt: 1n, replication: 3n })
    ]
    expect(disputesOf(events).splits.map((s) => [s.shard, s.attempt, s.refereeDeadline, s.verdict])).toEqual([
      [0, 0, 100n, { kind: 'resolved', winnersMask: 1, evidence: '0x01' }],
      [1, 0, 100n, { kind: 'lapsed' }],
      [2, 0, 200n, { kind: 'pending' }]
    ])
  })

  it('an empty verdict slashes every revealed replica and re-queues: still a verdict, not a lapse', () => {
    const events = [
      verifier('ShardDisputed', { attempt: 0n, revealedMask: 0b11n, refereeDeadline: 100n }),
      verifier('SplitResolved', { attempt: 0n, winnersMask: 0n, evidence: '0x02' }),
      verifier('ShardRequeued', { attempt: 1n, replication: 3n })
    ]
    expect(disputesOf(events).splits[0]?.verdict).toEqual({ kind: 'resolved', winnersMask: 0, evidence: '0x02' })
  })

  it('gives each slash its cause, reporter and forfeited earnings from its own transaction', () => {
    const events = [
      verifier('SplitResolved', { attempt: 0n, winnersMask: 0b01n, evidence: '0x01' }, 1),
      ...slashed(1, { provider: B, replica: 1n, reason: 2 }),
      protocolEvent('ResultChallenges', 'ResultChallengeResolved', { resultKey: resultKeyOf(resultRef), challenger: C, upheld: true }, { transactionHash: txHash(2) }),
      ...slashed(2, { provider: A, replica: 0n, reason: 0, reporter: C, forfeited: parseEther('10') }),
      ...slashed(3, { provider: C, replica: 2n, reason: 1 }),
      distributor('Slashed', { provider: B, amount: STAKE, burned: STAKE * 9n / 10n, reporter: A, reporterShare: STAKE / 10n }, 4),
      protocolEvent('ModelRegistry', 'Equivocated', { taskId: 1n, round: 0n, signer: B, reporter: A, amount: STAKE }, { transactionHash: txHash(4) }),
      protocolEvent('ModelRegistry', 'VersionProposed', { versionId: 7n, taskId: 1n, round: 2n, aggregator: C, signature: '0x' }, { transactionHash: txHash(5) }),
      distributor('Slashed', { provider: C, amount: STAKE, burned: STAKE * 9n / 10n, reporter: B, reporterShare: STAKE / 10n }, 6),
      protocolEvent('ModelRegistry', 'VersionSlashed', { versionId: 7n, taskId: 1n, aggregator: C, reporter: B, amount: STAKE }, { transactionHash: txHash(6) }),
      // A fraud proof that also closes the result's open challenge: the proof decided it.
      protocolEvent('ResultChallenges', 'ResultChallengeResolved', { resultKey: resultKeyOf(resultRef), challenger: C, upheld: true }, { transactionHash: txHash(7) }),
      protocolEvent('ResultChallenges', 'InvalidDeltaProven', { resultKey: resultKeyOf(resultRef), prover: B, reporter: C, deltaHash: `0x${'ee'.repeat(32)}` }, { transactionHash: txHash(7) }),
      ...slashed(7, { provider: A, replica: 0n, reason: 1, reporter: C }),
      distributor('Slashed', { provider: A, amount: STAKE, burned: STAKE * 9n / 10n, reporter: B, reporterShare: STAKE / 10n }, 8),
      protocolEvent('ModelRegistry', 'CosignerSlashed', { versionId: 7n, taskId: 1n, signer: A, reporter: B, amount: STAKE }, { transactionHash: txHash(8) })
    ]
    expect(disputesOf(events).slashes.map((s) => ({ provider: s.provider, reason: s.reason, cause: s.cause, reporter: s.reporter, share: s.reporterShare, forfeited: s.forfeited }))).toEqual([
      { provider: B, reason: 'RefereeDisagrees', cause: 'split', reporter: undefined, share: 0n, forfeited: 0n },
      { provider: A, reason: 'FingerprintMismatch', cause: 'challenge', reporter: C, share: STAKE / 10n, forfeited: parseEther('10') },
      { provider: C, reason: 'InvalidDelta', cause: 'audit', reporter: undefined, share: 0n, forfeited: 0n },
      { provider: B, reason: 'Equivocation', cause: 'equivocation', reporter: A, share: STAKE / 10n, forfeited: 0n },
      { provider: C, reason: 'ForgedVersion', cause: 'version', reporter: B, share: STAKE / 10n, forfeited: 0n },
      { provider: A, reason: 'InvalidDelta', cause: 'proof', reporter: C, share: STAKE / 10n, forfeited: 0n },
      { provider: A, reason: 'ForgedVersion', cause: 'cosigned', reporter: B, share: STAKE / 10n, forfeited: 0n }
    ])
    expect(disputesOf(events).slashes.at(-3)).toMatchObject({ round: 2, result: undefined, amount: STAKE })
    expect(disputesOf(events).slashes.at(-1)).toMatchObject({ round: 2, result: undefined, amount: STAKE })
    const [first] = disputesOf(events).slashes
    expect(first).toMatchObject({ result: { ...resultRef, replica: 1 }, amount: STAKE, evidence: `0x${'ee'.repeat(32)}` })
    expect(slashReasonWords('RefereeDisagrees')).toBe("the referee's re-execution disagrees with its result")
  })

  it('closes result challenges by result key: upheld, dismissed, expired, or taken over by an older commitment', () => {
    const key = resultKeyOf(resultRef)
    const events = [
      revealed(0n, A),
      challenged(B),
      challenged(C),
      protocolEvent('ResultChallenges', 'ResultChallengeResolved', { resultKey: key, challenger: C, upheld: false }),
      challenged(B),
      protocolEvent('ResultChallenges', 'ResultChallengeExpired', { resultKey: key, challenger: B }),
      challenged(C)
    ]
    expect(disputesOf(events).challenges.map((c) => [c.kind, c.challenger, c.accused, c.outcome])).toEqual([
      ['result', B, A, 'superseded'],
      ['result', C, A, 'dismissed'],
      ['result', B, A, 'expired'],
      ['result', C, A, 'open']
    ])
  })

  it("names a version challenge's aggregator, marks one taken over as superseded, and takes its bond from the verdict", () => {
    const registry = (name: string, args: Record<string, unknown>) => protocolEvent('ModelRegistry', name, args)
    const events = [
      registry('VersionProposed', { versionId: 5n, taskId: 1n, round: 0n, aggregator: A, signature: '0x' }),
      registry('VersionChallenged', { versionId: 5n, challenger: C, claim: '0x0a' }),
      // an older commitment takes the open challenge over
      registry('VersionChallenged', { versionId: 5n, challenger: B, claim: '0x0b' }),
      registry('ChallengeResolved', { versionId: 5n, upheld: true, bond: STAKE }),
      registry('VersionChallenged', { versionId: 6n, challenger: C, claim: '0x0c' }),
      registry('ChallengeExpired', { versionId: 6n })
    ]
    expect(disputesOf(events).challenges).toMatchObject([
      { kind: 'version', versionId: 5n, taskId: 1n, challenger: C, accused: A, claim: '0x0a', outcome: 'superseded' },
      { kind: 'version', versionId: 5n, taskId: 1n, challenger: B, accused: A, claim: '0x0b', outcome: 'upheld', bond: STAKE },
      { kind: 'version', versionId: 6n, taskId: undefined, challenger: C, accused: undefined, outcome: 'expired', bond: undefined }
    ])
  })
})
