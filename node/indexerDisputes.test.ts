/**
 * The indexer's disputes and stakes against the real chain: a split shard, the referee's verdict,
 * then the creator's challenge of the winning result, upheld; a volunteer that stakes and starts
 * to unstake; a proposed version challenged by its task's creator, upheld, its aggregator and
 * then a co-signer slashed; a fraud proof the contract upholds alone; and a result and a version
 * challenge left to expire; a fork rolled back to a task's version. GET /disputes, the SDK, the
 * provider rows and each task's events (its slashes' side included) are checked against what the
 * chain says. PGlite only (node/indexer.test.ts runs both databases).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isAddressEqual, keccak256, parseEther, toHex, type Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  challengeResult, faucet, forkVersion, readProtocolEvents, readSlashesMade, readStake, readTask, readTaskEvents, readVersion, requestUnstake, resolveResultChallenge, resolveSplit, resultKeyOf,
  rollbackModel, slashCosigner, stake, type ReadContext, type ResultRef
} from '../src/chain/actions/index.ts'
import { chainEventsOfTask, createClient, type MLBridgeClient } from '../src/sdk/index.ts'
import type { Indexer } from './indexer.ts'
import { useLocalChain } from './testing/useLocalChain.ts'
import { startTestIndexer, INDEXER_STARTUP_MS } from './testing/testIndexer.ts'
import { expiredChallenges, loneFraudProof, upheldVersionChallenge } from './testing/disputePaths.ts'
import { runPlaceholderTask } from './testing/placeholderRound.ts'
import { splitShard } from './testing/revealShard.ts'
import { NO_QUIET_WINDOW } from '../src/core/version/quietWindow.ts'

const chain = useLocalChain()
let indexer: Indexer | undefined
let dir: string | undefined

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mlb-indexer-disputes-'))
  indexer = await startTestIndexer(chain(), dir, { databaseUrl: '' })
}, 2 * INDEXER_STARTUP_MS)

afterAll(async () => {
  await indexer?.stop()
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe('indexer: disputes and stakes', () => {
  it('records an upheld result challenge, its slash, and each provider\'s stake as the chain has them', async () => {
    const { ctxOf, publicClient } = chain()
    const creator = ctxOf(1)
    const referee = ctxOf(8) // the local stack's MLB_REFEREE
    const { taskId, assigned } = await splitShard(chain(), creator, [ctxOf(2), ctxOf(3)])
    const [honest] = assigned as [Address, Address]
    await resolveSplit(referee, { taskId, round: 0, shard: 0, winnersMask: 0b01, evidence: keccak256(toHex('re-executed')) })
    const ref: ResultRef = { taskId, round: 0, shard: 0, attempt: 0, replica: 0 }
    const { rewardPerResult } = await readTask(creator, { taskId })
    const claim = keccak256(toHex('what checking the bytes found'))
    await challengeResult(creator, { ref, bond: rewardPerResult, claim })
    await resolveResultChallenge(referee, { ref, upheld: true, reason: 'FingerprintMismatch', evidence: keccak256(toHex('bytes')), claim })
    // a volunteer in no task: bonded, then part of it unbonding
    const volunteer = ctxOf(4)
    await faucet(volunteer)
    await stake(volunteer, { amount: parseEther('50') })
    await requestUnstake(volunteer, { amount: parseEther('20') })
    await indexer!.waitForBlock(await publicClient.getBlockNumber(), 30_000)

    const sdk = createClient({ api: indexer!.url })
    const [slash] = (await readSlashesMade(creator, { fromBlock: 0n })).filter((s) => isAddressEqual(s.provider, honest))
    const challenger = creator.walletClient.account.address.toLowerCase()
    const disputes = await sdk.disputes({ task: taskId })
    expect(disputes).toEqual({
      items: [expect.objectContaining({
        id: `result-${resultKeyOf(ref)}`, kind: 'result', resultKey: resultKeyOf(ref), taskId: String(taskId), round: 0, shard: 0, attempt: 0, replica: 0,
        accused: honest.toLowerCase(), challenger, bond: String(rewardPerResult), state: 'upheld', challenges: 1, versionId: null, prover: null,
        slashes: [{ account: honest.toLowerCase(), role: 'provider', amount: String(slash!.stake) }]
      })],
      nextCursor: null
    })
    expect(BigInt(disputes.items[0]!.closedAt!)).toBeGreaterThanOrEqual(BigInt(disputes.items[0]!.openedAt))
    expect((await sdk.disputes({ task: taskId, state: ['open', 'expired'] })).items).toEqual([])
    expect((await sdk.disputes({ state: 'upheld', limit: 1 })).items.map((d) => d.id)).toEqual([`result-${resultKeyOf(ref)}`])
    const bad = await fetch(`${indexer!.url}/disputes?state=won`)
    expect({ status: bad.status, body: await bad.json() }).toEqual({ status: 400, body: { error: 'state must be dispute states separated by commas (open, upheld, rejected, expired), got "won"' } })

    // ChallengeCommitted is named by both ResultChallenges and ModelRegistry: the feed qualifies it
    const commits = await sdk.events({ name: 'ResultChallenges:ChallengeCommitted' })
    expect(commits.items.map((e) => [e.contract, e.name, e.args.challenger])).toEqual([['ResultChallenges', 'ResultChallenges:ChallengeCommitted', challenger]])
    // the split's verdict slashed the far-off replica, the upheld challenge the other
    expect((await sdk.events({ task: taskId, name: ['ResultChallenged', 'ResultSlashed'] })).items.map((e) => e.name)).toEqual(['ResultSlashed', 'ResultChallenged', 'ResultSlashed'])

    // stakes: bonded, locked and unbonding, as RewardDistributor holds them now
    const accounts = [...assigned, volunteer.walletClient.account.address]
    const providers = async (): Promise<Array<Record<string, string>>> => {
      const response = await fetch(indexer!.graphqlUrl, {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: `{ providers(where: { address_in: [${accounts.map((a) => `"${a}"`).join(', ')}] }) { items { address stake lockedStake unstaking unstakeReleaseAt slashed } } }` })
      })
      return ((await response.json()) as { data: { providers: { items: Array<Record<string, string>> } } }).data.providers.items
    }
    const data = { providers: { items: await providers() } }
    for (const account of accounts) {
      const onChain = await readStake(creator, { account })
      expect(data.providers.items.find((p) => isAddressEqual(p.address as Address, account)), account).toMatchObject({
        stake: String(onChain.staked), lockedStake: String(onChain.locked), unstaking: String(onChain.unbonding), unstakeReleaseAt: String(onChain.releaseAt)
      })
    }
    const volunteerRow = data.providers.items.find((p) => isAddressEqual(p.address as Address, volunteer.walletClient.account.address))
    expect(volunteerRow).toMatchObject({ stake: String(parseEther('30')), unstaking: String(parseEther('20')), slashed: '0' })
    await expectChainEvents(creator, sdk, taskId, 2)
  }, 60_000)

  it('records an upheld version challenge, the aggregator\'s slash and then a co-signer\'s', async () => {
    const { ctxOf, publicClient } = chain()
    const creator = ctxOf(1)
    const { shard: { taskId }, versionId, bond, claim, aggregator, cosigner } = await upheldVersionChallenge(chain(), creator, ctxOf(8), [ctxOf(5), ctxOf(6)])
    await indexer!.waitForBlock(await publicClient.getBlockNumber(), 30_000)

    const account = aggregator.walletClient.account.address
    const [slash] = (await readSlashesMade(creator, { fromBlock: 0n })).filter((s) => isAddressEqual(s.provider, account))
    const sdk = createClient({ api: indexer!.url })
    const upheld = {
      id: `version-${versionId}`, kind: 'version', versionId: String(versionId), taskId: String(taskId), round: 0, shard: null, resultKey: null,
      accused: account.toLowerCase(), challenger: creator.walletClient.account.address.toLowerCase(), bond: String(bond), claim, state: 'upheld', challenges: 1
    }
    const aggregatorSlash = { account: account.toLowerCase(), role: 'aggregator', amount: String(slash!.stake) }
    expect((await sdk.disputes({ task: taskId })).items).toEqual([expect.objectContaining({ ...upheld, slashes: [aggregatorSlash] })])
    expect((await readVersion(creator, { versionId })).status).toBe('Rejected')
    expect((await sdk.version(versionId)).status).toBe('Rejected')
    const commits = await sdk.events({ name: ['ModelRegistry:ChallengeCommitted', 'VersionChallenged', 'ChallengeResolved', 'VersionSlashed'] })
    expect(commits.items.map((e) => [e.contract, e.name])).toEqual([
      ['ModelRegistry', 'ModelRegistry:ChallengeCommitted'], ['ModelRegistry', 'VersionChallenged'], ['ModelRegistry', 'ChallengeResolved'], ['ModelRegistry', 'VersionSlashed']
    ])

    // anyone may then slash who signed the rejected version; the challenger is its reporter
    const signer = cosigner.walletClient.account.address
    const { slashed } = await slashCosigner(ctxOf(9), { versionId, signer })
    const cosignerSlash = { account: signer.toLowerCase(), role: 'cosigner', amount: String(slashed) }
    await expect.poll(async () => (await sdk.disputes({ task: taskId })).items, { timeout: 15_000 })
      .toEqual([expect.objectContaining({ ...upheld, slashes: [aggregatorSlash, cosignerSlash] })])
    expect((await sdk.events({ task: taskId, name: 'CosignerSlashed' })).items.map((e) => e.args)).toEqual([{
      versionId: String(versionId), taskId: String(taskId), signer: signer.toLowerCase(), reporter: creator.walletClient.account.address.toLowerCase(), amount: String(slashed)
    }])
    await expectIndexedStake(sdk, signer, slashed)
    await expectIndexedStake(sdk, account, slash!.stake)
    await expectChainEvents(creator, sdk, taskId, 2)
  }, 60_000)

  it('records a fraud proof that stands alone: no challenge, no referee, the result slashed by the contract itself', async () => {
    const { ctxOf } = chain()
    const creator = ctxOf(1)
    const { shard, ref, deltaHash } = await loneFraudProof(chain(), creator, ctxOf(7), creator)
    const accused = shard.winners[0]!.walletClient.account.address
    const [slash] = (await readSlashesMade(creator, { fromBlock: 0n })).filter((s) => isAddressEqual(s.provider, accused))
    const prover = creator.walletClient.account.address.toLowerCase()
    const sdk = createClient({ api: indexer!.url })
    // the proof names the result only by its key: the task and the accused come from the slash after it
    await expect.poll(async () => (await sdk.disputes({ task: shard.taskId })).items, { timeout: 15_000 }).toEqual([expect.objectContaining({
      id: `result-${resultKeyOf(ref)}`, kind: 'result', resultKey: resultKeyOf(ref), taskId: String(shard.taskId), round: 0, shard: 0, attempt: 0, replica: 0,
      accused: accused.toLowerCase(), challenger: prover, bond: '0', state: 'upheld', challenges: 0, resolveBy: null,
      prover, reporter: prover, deltaHash, slashes: [{ account: accused.toLowerCase(), role: 'provider', amount: String(slash!.stake) }]
    })])
    const [proof] = (await sdk.disputes({ task: shard.taskId })).items
    expect(proof!.closedAt).toBe(proof!.openedAt)
    await expectIndexedStake(sdk, accused, slash!.stake)
    await expectChainEvents(creator, sdk, shard.taskId, 1)
  }, 60_000)

  it('records expired result and version challenges: the referee missed its deadline, nobody is slashed', async () => {
    const { ctxOf } = chain()
    const creator = ctxOf(1)
    const { shard, ref, versionId, bond } = await expiredChallenges(chain(), creator, ctxOf(9))
    const accused = shard.winners[0]!.walletClient.account.address

    const sdk = createClient({ api: indexer!.url })
    const expired = { accused: accused.toLowerCase(), challenger: creator.walletClient.account.address.toLowerCase(), state: 'expired', challenges: 1, slashes: [] }
    await expect.poll(async () => (await sdk.disputes({ task: shard.taskId })).items, { timeout: 15_000 }).toEqual([
      expect.objectContaining({ ...expired, id: `result-${resultKeyOf(ref)}`, bond: String(shard.params.rewardPerResult), closedAt: expect.any(String) }),
      expect.objectContaining({ ...expired, id: `version-${versionId}`, bond: String(bond), closedAt: expect.any(String) })
    ])
    expect((await sdk.disputes({ task: shard.taskId, state: 'expired' })).items).toHaveLength(2)
    // the registry hands the version back to its signers, with no quiet window: unjudged, only a winners' majority finalizes it
    const onChain = await readVersion(creator, { versionId })
    expect(onChain.status).toBe('Proposed')
    expect(onChain.challengeDeadline).toBe(NO_QUIET_WINDOW)
    const indexed = await sdk.version(versionId)
    expect(indexed.status).toBe('Proposed')
    expect(String(indexed.challengeDeadline)).toBe(String(NO_QUIET_WINDOW))
    await expectIndexedStake(sdk, accused, 0n)
    await expectChainEvents(creator, sdk, shard.taskId, 0)
  }, 60_000)

  it('leaves a fork\'s head moved back to a task\'s version out of the task\'s events: it is the fork\'s history', async () => {
    const { ctxOf } = chain()
    await chain().fund(10)
    const creator = ctxOf(1)
    const run = await runPlaceholderTask(chain(), creator, ctxOf(10), { rounds: 2 })
    const { modelId: forkId } = await forkVersion(creator, { versionId: run.versionId })
    // back to round 0's version: the task's own, as the task's model moved to it first
    const { parent } = await readVersion(creator, { versionId: run.versionId })
    expect(await rollbackModel(creator, { modelId: forkId, path: [parent] })).toMatchObject({ from: run.versionId, to: parent })
    const moves = (await readProtocolEvents(creator)).filter((e) => e.eventName === 'HeadMoved' && e.args.to === parent)
    const taskModel = (await readTask(creator, { taskId: run.taskId })).modelId
    expect(moves.map((e) => e.eventName === 'HeadMoved' && e.args.modelId)).toEqual([taskModel, forkId])
    const sdk = createClient({ api: indexer!.url })
    // the API trails the chain: until it reached the move, it would agree with either rule
    await indexer!.waitForBlock(await chain().publicClient.getBlockNumber(), 30_000)
    await expectChainEvents(creator, sdk, run.taskId, 0)
    const heads = (await readTaskEvents(creator, { taskId: run.taskId })).filter((e) => e.eventName === 'HeadMoved')
    expect(heads.map((e) => e.eventName === 'HeadMoved' && [e.args.modelId, e.args.to])).toEqual([[taskModel, parent], [taskModel, run.versionId]])
  }, 60_000)
})

/**
 * The task's events through the API decode to what the chain's log gives, the distributor's side
 * of its `slashes` slashes included (what the task page shows from either source).
 */
async function expectChainEvents (ctx: ReadContext, sdk: MLBridgeClient, taskId: bigint, slashes: number): Promise<void> {
  const onChain = await readTaskEvents(ctx, { taskId })
  expect(onChain.filter((e) => e.eventName === 'Slashed')).toHaveLength(slashes)
  // the poll is the wait for the tests that do not call waitForBlock
  await expect.poll(async () => await chainEventsOfTask(sdk, taskId), { timeout: 15_000 }).toEqual(onChain)
}

/** The provider's stake as the indexer serves it matches the chain's, and it was slashed `slashed` in all. */
async function expectIndexedStake (sdk: MLBridgeClient, account: Address, slashed: bigint): Promise<void> {
  const onChain = await readStake(chain().ctxOf(1), { account })
  // the poll is the wait for the tests that do not call waitForBlock
  await expect.poll(async () => await sdk.provider(account), { timeout: 15_000 }).toMatchObject({
    stake: String(onChain.staked), lockedStake: String(onChain.locked), unstaking: String(onChain.unbonding), unstakeReleaseAt: String(onChain.releaseAt), slashed: String(slashed)
  })
}
