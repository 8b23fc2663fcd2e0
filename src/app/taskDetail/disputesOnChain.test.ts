import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { isAddressEqual, keccak256, parseEther, toHex, type Address } from 'viem'
import { describe, expect, it } from 'vitest'
import { expiredChallenges, loneFraudProof, upheldVersionChallenge } from '../../../node/testing/disputePaths.ts'
import { splitShard } from '../../../node/testing/revealShard.ts'
import { useLocalChain } from '../../../node/testing/useLocalChain.ts'
import {
  challengeResult, ContractRejectedError, executeSlash, overturnSlash, readClaimable, readProtocolEvents, readSlashesMade,
  readSlashPending, readTaskCreation, readTaskEventRange, readTaskEvents, resolveResultChallenge, resolveSplit, resultKeyOf, selectTaskEvents, slashCosigner, type PendingSlash,
  type ReadContext, type ResultRef
} from '../../chain/actions/index.ts'
import { createTaskEventLog, type ProtocolEventLog } from '../../chain/eventLog.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { resultRefArgs } from '../../chain/actions/resultRef.ts'
import { ResultChallengesAbi } from '../../chain/generated/abis.ts'
import { accountRecordOf } from '../contribute/accountRecord.ts'
import { createDisputeLog, DISPUTE_EVENTS } from './disputeLog.ts'
import { disputesOf } from './disputes.ts'
import { DisputesSection } from './DisputesSection.tsx'

const chain = useLocalChain()

/**
 * The task's events as the node gives them by topic (`readTaskEvents`, and a task log that grew
 * scan by scan) are those `selectTaskEvents` picks from every protocol event of the chain, which
 * holds the other tests' tasks too.
 */
async function expectTaskEventsAsSelected (ctx: ReadContext, taskId: bigint, log: ProtocolEventLog): Promise<void> {
  const selected = selectTaskEvents(await readProtocolEvents(ctx), taskId)
  expect(await readTaskEvents(ctx, { taskId })).toEqual(selected)
  expect(await log.events()).toEqual(selected)
  // and read one block at a time: what ties an event to the task is always in an earlier block or the same one
  const { blockNumber } = await readTaskCreation(ctx, { taskId })
  const blockByBlock: ProtocolEvent[] = []
  for (let block = blockNumber; block <= selected.at(-1)!.blockNumber; block++) {
    blockByBlock.push(...await readTaskEventRange(ctx, { taskId, fromBlock: block, toBlock: block, before: blockByBlock }))
  }
  expect(blockByBlock).toEqual(selected)
}

describe('disputes read back from the chain', () => {
  it('shows a split, its verdict, the slashes and an upheld result challenge on the task and in the accounts\' records', async () => {
    const { ctxOf, publicClient } = chain()
    const creator = ctxOf(1)
    const referee = ctxOf(8) // the local stack's MLB_REFEREE
    const { taskId, assigned } = await splitShard(chain(), creator, [ctxOf(2), ctxOf(3)])
    const taskLog = createTaskEventLog(creator, taskId)
    await expectTaskEventsAsSelected(creator, taskId, taskLog)
    const pending = disputesOf(await readTaskEvents(creator, { taskId }))
    expect(pending.splits.map((s) => s.verdict.kind)).toEqual(['pending'])
    expect(renderToStaticMarkup(createElement(DisputesSection, { disputes: { ...pending, splits: [] } }))).toContain('data-testid="disputes-empty"')
    const [honest, cheat] = assigned as [Address, Address]
    const challenger = creator.walletClient.account.address
    const verdict = keccak256(toHex('re-executed on the CPU'))
    await resolveSplit(referee, { taskId, round: 0, shard: 0, winnersMask: 0b01, evidence: verdict })

    const ref: ResultRef = { taskId, round: 0, shard: 0, attempt: 0, replica: 0 }
    expect(resultKeyOf(ref)).toBe(await publicClient.readContract({
      address: creator.contracts.ResultChallenges, abi: ResultChallengesAbi, functionName: 'resultKey', args: [resultRefArgs(ref)]
    }))
    const claim = keccak256(toHex('what checking the bytes found'))
    await challengeResult(creator, { ref, bond: parseEther('10'), claim })
    await expectTaskEventsAsSelected(creator, taskId, taskLog)
    const open = accountRecordOf(disputesOf(await readProtocolEvents(creator)), honest)
    expect(open.openChallenges).toMatchObject([{ kind: 'result', challenger, accused: honest, outcome: 'open' }])
    // The Contribute page's log keeps the dispute events and the one reveal the challenge names, and
    // makes the same record of them.
    const disputeLog = createDisputeLog(creator)
    const kept = await disputeLog.events()
    expect(kept.filter((e) => e.eventName === 'Revealed').map((e) => e.eventName === 'Revealed' && e.args.provider)).toEqual([honest])
    expect(kept.every((e) => e.eventName === 'Revealed' || (DISPUTE_EVENTS as readonly string[]).includes(e.eventName))).toBe(true)
    expect((await readProtocolEvents(creator)).filter((e) => e.eventName === 'Revealed').length).toBeGreaterThan(1)
    expect(accountRecordOf(disputesOf(kept), honest)).toEqual(open)

    await resolveResultChallenge(referee, { ref, upheld: true, reason: 'FingerprintMismatch', evidence: keccak256(toHex('bytes')), claim })
    await expectTaskEventsAsSelected(creator, taskId, taskLog)
    const events = await readTaskEvents(creator, { taskId })
    const disputes = disputesOf(events)
    expect(disputes.splits).toMatchObject([{ round: 0, shard: 0, attempt: 0, revealedMask: 0b11, verdict: { kind: 'resolved', winnersMask: 0b01, evidence: verdict } }])
    const earned = events.reduce((sum, e) => sum + (e.eventName === 'RewardCredited' && isAddressEqual(e.args.provider, honest) ? e.args.amount : 0n), 0n)
    expect(earned).toBeGreaterThan(0n)
    expect(disputes.slashes).toMatchObject([
      { provider: cheat, reason: 'RefereeDisagrees', cause: 'split', amount: parseEther('100'), evidence: verdict, reporter: undefined, forfeited: 0n },
      { provider: honest, reason: 'FingerprintMismatch', cause: 'challenge', amount: parseEther('100'), reporter: challenger, reporterShare: parseEther('10'), forfeited: earned }
    ])
    expect(disputes.challenges).toMatchObject([{ kind: 'result', result: ref, challenger, accused: honest, bond: parseEther('10'), outcome: 'upheld' }])

    expect(disputes.slashes.map((s) => s.appeal?.state)).toEqual(['held', 'held'])
    const html = renderToStaticMarkup(createElement(DisputesSection, { disputes }))
    expect(html.match(/data-testid="dispute-row"/g)).toHaveLength(1)
    expect(html).toContain(`data-testid="slash-row" data-provider="${cheat}" data-reason="RefereeDisagrees" data-cause="split"`)
    expect(html).toContain(`data-testid="slash-row" data-provider="${honest}" data-reason="FingerprintMismatch" data-cause="challenge"`)
    expect(html).toContain('data-outcome="upheld"')
    expect(html).not.toContain('disputes-empty')

    const record = accountRecordOf(disputesOf(await readProtocolEvents(creator)), honest)
    expect(record).toMatchObject({ forfeited: earned, openChallenges: [] })
    expect(record.slashes.map((s) => s.reason)).toEqual(['FingerprintMismatch'])
    expect(accountRecordOf(disputesOf(await disputeLog.events()), honest)).toEqual(record)
    expect(accountRecordOf(disputesOf(await disputeLog.events()), cheat)).toEqual(accountRecordOf(disputesOf(await readProtocolEvents(creator)), cheat))

    // Both slashes hold what they took for the appeal delay. The local appeals key (the governor,
    // account 9) overturns the second: the provider gets its stake and earnings back. The first
    // cannot be executed early; once the delay passed anyone executes it, and then nothing is left
    // to overturn.
    const [first, second] = (await readSlashesMade(creator, { fromBlock: 0n })).slice(-2) as [PendingSlash, PendingSlash]
    expect([first.provider, second.provider]).toEqual([cheat, honest])
    expect(second).toMatchObject({ stake: parseEther('100'), earnings: earned, reporter: challenger })
    expect((await rejection(executeSlash(creator, { id: first.id }))).errorName).toBe('AppealPending')
    const before = await readClaimable(creator, { account: honest })
    await overturnSlash(ctxOf(9), { id: second.id })
    expect(await readClaimable(creator, { account: honest })).toBe(before + parseEther('100') + earned)
    expect(await readSlashPending(creator, { id: second.id })).toBe(false)
    await chain().timeTravelTo(first.executableAt)
    await executeSlash(ctxOf(4), { id: first.id })
    expect(await readSlashPending(creator, { id: first.id })).toBe(false)
    expect((await rejection(overturnSlash(ctxOf(9), { id: first.id }))).errorName).toBe('NoPendingSlash')
    await expectTaskEventsAsSelected(creator, taskId, taskLog)
    // The task page follows each slash through its appeal.
    const appealed = disputesOf(await readTaskEvents(creator, { taskId })).slashes
    expect(appealed.map((s) => [s.provider, s.appeal?.id, s.appeal?.state])).toEqual([[cheat, first.id, 'executed'], [honest, second.id, 'overturned']])
    const appealHtml = renderToStaticMarkup(createElement(DisputesSection, { disputes: disputesOf(await readTaskEvents(creator, { taskId })) }))
    expect(appealHtml).toContain('data-state="executed"')
    expect(appealHtml).toContain('overturned on appeal: given back')
  }, 60_000)
})

describe('the other dispute paths read back from the chain', () => {
  it('shows a fraud proof that stands alone as the slash that settled it, with no challenge', async () => {
    const creator = chain().ctxOf(1)
    const { shard, ref, deltaHash } = await loneFraudProof(chain(), creator, chain().ctxOf(5), creator)
    await expectTaskEventsAsSelected(creator, shard.taskId, createTaskEventLog(creator, shard.taskId))
    const disputes = disputesOf(await readTaskEvents(creator, { taskId: shard.taskId }))
    expect(disputes.slashes).toMatchObject([{
      provider: shard.winners[0]!.walletClient.account.address, result: ref, reason: 'InvalidDelta', cause: 'proof', evidence: deltaHash, reporter: creator.walletClient.account.address
    }])
    expect(disputes.challenges).toEqual([])
  }, 60_000)

  it('shows an upheld version challenge, the aggregator\'s slash and a co-signer\'s', async () => {
    const { ctxOf } = chain()
    const creator = ctxOf(1)
    const { shard, versionId, bond, aggregator, cosigner } = await upheldVersionChallenge(chain(), creator, ctxOf(8), [ctxOf(6), ctxOf(7)])
    const { slashed } = await slashCosigner(ctxOf(4), { versionId, signer: cosigner.walletClient.account.address })
    await expectTaskEventsAsSelected(creator, shard.taskId, createTaskEventLog(creator, shard.taskId))
    const disputes = disputesOf(await readTaskEvents(creator, { taskId: shard.taskId }))
    const reporter = creator.walletClient.account.address
    expect(disputes.slashes).toMatchObject([
      { provider: aggregator.walletClient.account.address, round: 0, result: undefined, reason: 'ForgedVersion', cause: 'version', reporter },
      { provider: cosigner.walletClient.account.address, round: 0, result: undefined, reason: 'ForgedVersion', cause: 'cosigned', reporter, amount: slashed }
    ])
    expect(disputes.challenges).toMatchObject([{ kind: 'version', versionId, accused: aggregator.walletClient.account.address, bond, outcome: 'upheld' }])
    // the Contribute page's log looks the version's proposal up for the challenge's accused and the slashes' round
    const fromLog = disputesOf(await createDisputeLog(creator).events())
    expect(fromLog.slashes.filter((s) => s.taskId === shard.taskId)).toEqual(disputes.slashes)
    expect(fromLog.challenges.filter((c) => c.kind === 'version' && c.versionId === versionId)).toEqual(disputes.challenges)
  }, 60_000)

  it('shows result and version challenges the referee let expire, and no slash', async () => {
    const creator = chain().ctxOf(1)
    await chain().fund(10)
    const provider = chain().ctxOf(10)
    const { shard, ref, versionId } = await expiredChallenges(chain(), creator, provider)
    await expectTaskEventsAsSelected(creator, shard.taskId, createTaskEventLog(creator, shard.taskId))
    const disputes = disputesOf(await readTaskEvents(creator, { taskId: shard.taskId }))
    const accused = provider.walletClient.account.address
    expect(disputes.challenges).toMatchObject([
      { kind: 'result', result: ref, accused, bond: shard.params.rewardPerResult, outcome: 'expired' },
      { kind: 'version', versionId, accused, outcome: 'expired' }
    ])
    expect(disputes.slashes).toEqual([])
  }, 60_000)
})

async function rejection (promise: Promise<unknown>): Promise<ContractRejectedError> {
  const error = await promise.then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(ContractRejectedError)
  return error as ContractRejectedError
}
