import {
  keccak256,
  parseEther,
  toHex,
  type Address,
  type PublicClient,
  type TransactionReceipt
} from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLocalChain, type LocalChain } from '../../../node/testing/localChain.ts'
import { placeholderCid, placeholderTaskParams } from '../../../node/testing/placeholderTask.ts'
import { Rng } from '../../core/random.ts'
import { RESULT_FEE } from '../../core/taskLimits.ts'
import { DEFAULT_FINGERPRINT_TOLERANCE, fingerprint, fingerprintsAgree } from '../../core/fingerprint.ts'
import { acceptedDeltaRoot } from '../../core/version/acceptedResults.ts'
import { deltaRoot } from '../../core/version/deltaRoot.ts'
import type { ProtocolContracts } from '../contracts.ts'
import { MLBTokenAbi } from '../generated/abis.ts'
import type { ProtocolEvent } from '../protocolEvents.ts'
import { readProtocolEvents } from './readProtocolEvents.ts'
import { watchProtocolEvents } from './watchProtocolEvents.ts'
import {
  ContractRejectedError,
  VersionMismatchError,
  advance,
  cancelTask,
  claim,
  commitResult,
  confirmVersion,
  createTask,
  faucet,
  finalizeShards,
  readAcceptedResults,
  readFingerprintSeed,
  resolveSplit,
  finalizeVersion,
  joinTask,
  proposeVersion,
  readAssignment,
  readClaimable,
  readReputation,
  readRevealed,
  readRound,
  readStake,
  readStakeLocks,
  readTask,
  readVersion,
  readVersionSignatures,
  signVersion,
  type ProposedVersion,
  requestUnstake,
  revealResult,
  roundEndIn,
  stake,
  taskBudget,
  unlockStake,
  withdrawStake,
  type CommittedResult,
  type RoundState,
  type ShardState,
  type TaskParams,
  type WriteContext
} from './index.ts'

const REWARD = parseEther('10')
const MIN_STAKE = parseEther('100')
/** What an accepted result takes out of its task's escrow: its reward and the protocol fee burnt for it. */
const PAID = REWARD + RESULT_FEE
const FP_LENGTH = 16
const WINDOW = 60

// ---------------------------------------------------------------- synthetic deltas

/** The fingerprint of a shard's "true" delta with tiny per-replica float noise; `dishonest` doubles it. */
function resultFingerprint (round: number, shard: number, noiseSeed: number, dishonest = false): number[] {
  const base = new Rng(1000 + round * 10 + shard)
  const noise = new Rng(noiseSeed)
  const values = new Float32Array(2048)
  for (let i = 0; i < values.length; i++) {
    const v = (base.nextFloat() - 0.5) * 1e-2
    values[i] = (dishonest ? 2 * v : v) * (1 + (noise.nextFloat() - 0.5) * 2e-4)
  }
  return Array.from(fingerprint([{ name: 'w', shape: [values.length], values }], { length: FP_LENGTH, seed: 77 + round * 100 + shard }))
}

async function rejection (promise: Promise<unknown>): Promise<ContractRejectedError> {
  const error = await promise.then(() => null, (e: unknown) => e)
  expect(error).toBeInstanceOf(ContractRejectedError)
  return error as ContractRejectedError
}

// ---------------------------------------------------------------- the stack

let local: LocalChain
let contracts: ProtocolContracts
let publicClient: PublicClient
let ctxOf: (i: number) => WriteContext
let timeTravel: (seconds: number) => Promise<void>
const gas = new Map<string, bigint[]>()
/** Mines a block after the one that started a round (or re-run), whose hash draws it: the draw is readable from then on. */
const drawn = async (): Promise<void> => { await local.testClient.mine({ blocks: 1 }) }

/**
 * `ctx` as it saw the chain at `blockNumber`: its reads and simulations run on that block's state
 * (anvil mines an empty block every second, so the head may be past it already), and it sends
 * nothing, so a call the chain would take at the head is a failed test, not a transaction.
 */
function at (ctx: WriteContext, blockNumber: bigint): WriteContext {
  const pinned = new Set(['readContract', 'multicall', 'simulateContract'])
  return {
    ...ctx,
    publicClient: new Proxy(ctx.publicClient, {
      get: (target, key, receiver) => typeof key === 'string' && pinned.has(key)
        ? async (args: object) => await (Reflect.get(target, key, receiver) as (a: object) => Promise<unknown>)({ ...args, blockNumber })
        : Reflect.get(target, key, receiver)
    }),
    walletClient: new Proxy(ctx.walletClient, {
      get: (target, key, receiver) => key === 'writeContract'
        ? async () => { throw new Error(`a probe at block ${blockNumber} sends no transaction`) }
        : Reflect.get(target, key, receiver)
    })
  }
}

function record (action: string, receipt: TransactionReceipt | null): void {
  if (receipt === null) return
  gas.set(action, [...(gas.get(action) ?? []), receipt.gasUsed])
}

beforeAll(async () => {
  local = await startLocalChain()
  ;({ contracts, publicClient, ctxOf, timeTravel } = local)
}, 120_000)

function baseParams (over: Partial<TaskParams> = {}): TaskParams {
  return placeholderTaskParams({ rounds: 2, shards: 2, replication: 2, maxReplication: 3, fingerprintLength: FP_LENGTH, rewardPerResult: REWARD, minStake: MIN_STAKE, ...over }, { window: WINDOW })
}

afterAll(async () => {
  await local?.stop()
  if (gas.size > 0) {
    const rows = [...gas].map(([action, used]) => {
      const min = used.reduce((a, b) => (a < b ? a : b))
      const max = used.reduce((a, b) => (a > b ? a : b))
      return `| ${action} | ${used.length} | ${min} | ${max} |`
    })
    console.log(['| action | n | min gas | max gas |', '| --- | --- | --- | --- |', ...rows].join('\n'))
  }
})

describe('a whole task through the chain actions', () => {
  it('creates, joins, commits, reveals, finalizes, proposes, confirms, claims and unstakes', async () => {
    const creator = ctxOf(1)
    const providers = [ctxOf(2), ctxOf(3), ctxOf(4)]
    const referee = ctxOf(8) // the local stack's MLB_REFEREE
    const byAddress = new Map(providers.map((ctx) => [ctx.walletClient.account.address, ctx]))
    const ctxFor = (address: Address): WriteContext => {
      const ctx = byAddress.get(address)
      if (ctx === undefined) throw new Error(`${address} is not one of the test providers`)
      return ctx
    }
    const watched: ProtocolEvent[] = []
    const unwatch = watchProtocolEvents({ publicClient, contracts }, { onEvents: (events) => watched.push(...events), pollingInterval: 20 })
    let cheaterSeen: Address | undefined

    // ------------------------------------------------------------ creator
    record('faucet', (await faucet(creator)).receipt)
    const params = baseParams()
    const sent: Array<[string, string]> = []
    const created = await createTask({ ...creator, onSent: (action, hash) => { sent.push([action, hash]) } }, params)
    record('approve', created.approveReceipt)
    record('createTask', created.receipt)
    // Each transaction is announced as soon as it is sent, with the hash its receipt later carries;
    // the budget's approval is a permit inside the creation, not a transaction of its own.
    expect(created.approveReceipt).toBeNull()
    expect(sent).toEqual([['createTask', created.receipt.transactionHash]])
    expect(created.escrow).toBe(taskBudget(params))
    const { taskId } = created
    expect((await readTask(creator, { taskId })).status).toBe('Joining')

    // A nested revert (the token inside TaskManager -> RewardDistributor) still decodes by name.
    const broke = await rejection(createTask(ctxOf(5), params))
    expect(broke.errorName).toBe('ERC20InsufficientBalance')
    expect(broke.action).toBe('createTask')
    expect(broke.args).toEqual([ctxOf(5).walletClient.account.address, 0n, created.escrow])
    expect(broke.message).toMatch(/^createTask: The contract rejected the transaction: Erc20 insufficient balance \(0x/)

    // ------------------------------------------------------------ providers join
    for (const p of providers) {
      record('faucet', (await faucet(p)).receipt)
      const staked = await stake(p, { amount: MIN_STAKE + REWARD })
      record('approve', staked.approveReceipt)
      record('stake', staked.receipt)
      record('joinTask', (await joinTask(p, { taskId })).receipt)
    }
    expect((await rejection(joinTask(providers[0]!, { taskId }))).errorName).toBe('AlreadyJoined')
    const early = await rejection(advance(creator, { taskId }))
    expect(early.errorName).toBe('JoiningOpen')
    expect(early.message).toMatch(/^advance: The contract rejected the transaction: Joining open/)
    expect((await rejection(claim(providers[0]!))).errorName).toBe('NothingToClaim')

    await timeTravel(WINDOW + 1)
    const started = await advance(creator, { taskId })
    // Nobody is drawn until the block after the advance is mined.
    expect((await readRound(at(creator, started.receipt.blockNumber), { taskId })).shards.every((shard) => shard.providers.length === 0)).toBe(true)
    await drawn()
    record('advance (start round)', started.receipt)
    expect(started.outcome).toMatchObject({ kind: 'roundStarted', round: 0 })

    const accepted = new Map<Address, number>()
    let forfeitedResults = 0
    let parent = created.initialVersionId
    let round0: RoundState | undefined

    for (let round = 0; round < 2; round++) {
      const state = await readRound(creator, { taskId })
      if (round === 0) round0 = state
      const winners: Address[] = []
      let winningResults = 0
      expect(state.round).toBe(round)
      expect(state.shards).toHaveLength(2)

      for (const shardState of state.shards) {
        const shard = shardState.shard
        // Round 1, shard 0: replica 1 cheats (a doubled delta), so the attempt splits and the referee decides it.
        const cheater = round === 1 && shard === 0 ? shardState.providers[1] : undefined
        cheaterSeen ??= cheater
        {
          const attempt = 0
          const current = (await readRound(creator, { taskId })).shards[shard]!
          expect(current.attempt).toBe(attempt)
          const assigned = current.providers

          if (round === 0 && shard === 0) {
            // Someone not drawn for this shard cannot take a slot.
            const outsider = providers.find((p) => !assigned.includes(p.walletClient.account.address))!
            const notAssigned = await rejection(commitResult(outsider, { taskId, round, shard, attempt, replica: 0, deltaCid: placeholderCid('x'), sealedCid: placeholderCid('sealed x') }))
            expect(notAssigned.errorName).toBe('NotAssigned')
            expect(notAssigned.args).toEqual([outsider.walletClient.account.address, assigned[0]])
            expect(notAssigned.message).toBe(`commitResult: The contract rejected the transaction: Not assigned (${outsider.walletClient.account.address}, ${assigned[0]}).`)
          }

          const commits: Array<CommittedResult & { fingerprint: number[] }> = []
          for (const address of assigned) {
            const ctx = ctxFor(address)
            const mine = await readAssignment(ctx, { taskId, account: address })
            const slot = mine.shards.find((s) => s.shard === shard)!
            expect(slot.committed).toBe(false)
            const fp = resultFingerprint(round, shard, 100 + commits.length + 10 * attempt, address === cheater)
            const label = `delta-${round}-${shard}-${attempt}-${address}`
            const committed = await commitResult(ctx, {
              taskId, round, shard, attempt, replica: slot.replica, deltaCid: placeholderCid(label), sealedCid: placeholderCid(`sealed ${label}`)
            })
            expect(committed.salt).toMatch(/^0x[0-9a-f]{64}$/)
            record('commitResult', committed.receipt)
            commits.push({ ...committed, fingerprint: fp })
            if (commits.length === 1 && assigned.length > 1) {
              expect((await rejection(revealResult(ctx, commits[0]!))).errorName).toBe('RevealNotOpen')
            }
          }
          // The fingerprints' seed is the hash of the last commit's block: nobody reveals within it.
          const seed = await readFingerprintSeed(creator, { taskId, round, shard, attempt })
          expect(seed.seedBlock).toBe(commits.at(-1)!.receipt.blockNumber)
          expect((await rejection(revealResult(at(ctxFor(assigned[0]!), seed.seedBlock), commits[0]!))).errorName).toBe('FingerprintSeedNotDrawn')
          await drawn()
          expect((await readFingerprintSeed(creator, { taskId, round, shard, attempt })).seed).toBeTypeOf('number')
          // Honest replicas agree within the tolerance (the cheater does not).
          if (cheater === undefined) {
            const honest = commits.filter((_, i) => assigned[i] !== cheater)
            expect(fingerprintsAgree(Int32Array.from(honest[0]!.fingerprint), Int32Array.from(honest[1]!.fingerprint), DEFAULT_FINGERPRINT_TOLERANCE)).toBe(true)
          }

          // A copied commitment cannot be revealed by the copier: the commitment binds the sender.
          const copier = ctxFor(assigned[1]!)
          expect((await rejection(revealResult(copier, { ...commits[0]!, replica: 0 }))).errorName).toBe('CommitmentMismatch')

          // The last replica to reveal decides the shard in its own transaction.
          let finalized: Awaited<ReturnType<typeof revealResult>> | undefined
          for (const [i, committed] of commits.entries()) {
            finalized = await revealResult(ctxFor(assigned[i]!), committed)
            const last = i === commits.length - 1
            record(last ? `revealResult (last of ${assigned.length}, deciding: ${finalized.outcome?.kind})` : 'revealResult', finalized.receipt)
            expect(finalized.outcome === undefined).toBe(!last)
          }
          let winnersMask: number
          if (finalized?.outcome?.kind === 'disputed') {
            // Junk against one honest replica is a split: the referee (a test double of its verdict)
            // pays the honest replica and slashes the cheater, on this same attempt.
            expect(cheater).toBeDefined()
            expect((await rejection(finalizeShards(creator, { taskId, round, shards: [shard] }))).errorName).toBe('RefereeWindowOpen')
            winnersMask = assigned.reduce((mask, address, i) => (address === cheater ? mask : mask | (1 << i)), 0)
            const stakeBefore = (await readStake(creator, { account: cheater! })).staked
            const verdict = await resolveSplit(referee, { taskId, round, shard, winnersMask, evidence: keccak256(toHex('re-executed on the CPU')) })
            record('resolveSplit (1 slashed)', verdict.receipt)
            expect(verdict).toMatchObject({ accepted: true, roundDecided: false })
            expect(stakeBefore - (await readStake(creator, { account: cheater! })).staked).toBe(MIN_STAKE)
            // It forfeited every reward it had not claimed.
            expect(await readClaimable(creator, { account: cheater! })).toBe(0n)
            forfeitedResults = accepted.get(cheater!) ?? 0
          } else {
            expect(finalized?.outcome?.kind).toBe('accepted')
            winnersMask = finalized?.outcome?.kind === 'accepted' ? finalized.outcome.winnersMask : 0
          }
          assigned.forEach((address, i) => {
            if ((winnersMask & (1 << i)) === 0) return
            accepted.set(address, (accepted.get(address) ?? 0) + 1)
            winningResults++
            if (!winners.includes(address)) winners.push(address)
          })
          expect(assigned.filter((_, i) => (winnersMask & (1 << i)) !== 0)).not.toContain(cheater)
          expect(finalized?.roundDecided).toBe(shard === 1)
        }
      }

      // ---------------------------------------------------------- aggregate, propose, confirm
      // Only the round's winners propose and confirm, and the signers must be a majority of them.
      const [aggregatorAddress, ...confirmerAddresses] = winners
      const aggregator = ctxFor(aggregatorAddress!)
      const needed = Math.max(1, Math.floor(winners.length / 2))
      const loser = providers.find((p) => !winners.includes(p.walletClient.account.address))
      // The verifier computes the delta root from every winner's revealed result; no other root passes.
      const results = await readAcceptedResults(creator, { taskId, round })
      expect(results).toHaveLength(winningResults)
      const data = {
        modelCid: placeholderCid(`model-${round + 1}`),
        commitHash: keccak256(toHex(`weights-${round + 1}`)),
        deltaRoot: acceptedDeltaRoot(results),
        dataHash: keccak256(toHex('data')),
        accuracyBps: 9000 + round,
        loss: 1234n
      }
      let proposed: ProposedVersion
      if (round === 0) {
        // Batched: the others sign off chain and the aggregator submits every signature at once.
        const content = { taskId, round: BigInt(round), parent, data }
        const signatures = await Promise.all(confirmerAddresses.slice(0, needed).map(async (signer) => ({ signer, signature: await signVersion(ctxFor(signer), content) })))
        const forged = { ...data, deltaRoot: keccak256(toHex('deltas nobody accepted')) }
        expect((await rejection(proposeVersion(aggregator, { taskId, data: forged, results }))).errorName).toBe('DeltaRootMismatch')
        expect((await rejection(proposeVersion(aggregator, { taskId, data, results: results.slice(1) }))).errorName).toBe('NotAcceptedResult')
        proposed = await proposeVersion(aggregator, { taskId, data, signatures, results })
        record('proposeVersion (batched, final)', proposed.receipt)
        expect(proposed.final).toBe(true)
        expect(proposed.signers).toHaveLength(needed + 1)
        expect((await rejection(confirmVersion(aggregator, { versionId: proposed.versionId }))).errorName).toBe('InvalidVersionStatus')
      } else {
        // Fallback: a lone proposal, then each other signer's own confirm transaction.
        proposed = await proposeVersion(aggregator, { taskId, data, results })
        record('proposeVersion', proposed.receipt)
        expect(proposed.final).toBe(needed === 0)
        expect((await rejection(confirmVersion(aggregator, { versionId: proposed.versionId }))).errorName).toBe('AlreadyConfirmed')
        if (loser !== undefined) expect((await rejection(confirmVersion(loser, { versionId: proposed.versionId }))).errorName).toBe('NotRoundWinner')
        for (const [i, address] of confirmerAddresses.slice(0, needed).entries()) {
          const confirmed = await confirmVersion(ctxFor(address), { versionId: proposed.versionId, commitHash: data.commitHash })
          record(i + 1 === needed ? 'confirmVersion (final)' : 'confirmVersion', confirmed.receipt)
          expect(confirmed).toMatchObject({ signers: BigInt(i + 2), final: i + 1 === needed })
        }
      }
      expect(proposed.parent).toBe(parent)
      // Final in the transaction that counted its last signature, as the auditor tells it.
      const signed = await readVersionSignatures(creator, { versionId: proposed.versionId })
      expect(signed.finalizedIn).toBe([signed.proposal, ...signed.confirmations].at(-1)?.transactionHash)

      const version = await readVersion(creator, { versionId: proposed.versionId })
      expect(version).toMatchObject({ status: 'Final', parent, taskId: BigInt(taskId), round: BigInt(round), commitHash: data.commitHash, accuracyBps: data.accuracyBps })
      expect((await readRound(creator, { taskId, round })).versionId).toBe(proposed.versionId)
      parent = proposed.versionId

      // The transaction that made the version final ended the round: no advance to send.
      const next = roundEndIn(creator, await creator.publicClient.getTransactionReceipt({ hash: signed.finalizedIn! }))
      await drawn()
      expect(next?.kind).toBe(round === 0 ? 'roundStarted' : 'completed')
      if (next?.kind === 'completed') expect(next.refund).toBe(created.escrow - 7n * PAID)
      expect((await rejection(advance(creator, { taskId }))).errorName).toBe(round === 0 ? 'RoundUndecided' : 'TaskNotActive')
    }
    expect((await readTask(creator, { taskId })).status).toBe('Completed')
    expect([...accepted.values()].reduce((a, b) => a + b, 0)).toBe(7)
    // A past round keeps its deadlines and start block, and its events are found without a fromBlock.
    const windows = (s: ShardState): bigint[] => [s.commitDeadline, s.revealDeadline, s.startBlock]
    const past = await readRound(creator, { taskId, round: 0 })
    expect(past.shards.map(windows)).toEqual(round0!.shards.map(windows))
    expect(past.shards[0]!.startBlock).toBe(started.receipt.blockNumber)
    expect(past.shards[0]!.commitDeadline).toBeGreaterThan(BigInt(WINDOW))
    expect(await readRevealed(creator, { taskId, round: 0, shard: 0 })).toHaveLength(2)
    // The cheater was slashed by the referee's verdict, never merely outvoted.
    expect((await readReputation(creator, { account: cheaterSeen! })).outvoted).toBe(0)

    // ------------------------------------------------------------ rewards
    for (const p of providers) {
      const account = p.walletClient.account.address
      const n = accepted.get(account) ?? 0
      // The cheater's slash forfeited what it had earned and not claimed by then.
      expect(await readClaimable(p, { account })).toBe(BigInt(n - (account === cheaterSeen ? forfeitedResults : 0)) * REWARD)
      expect((await readReputation(p, { account })).accepted).toBe(n)
    }
    // The claimer is an honest provider: the cheater's lock went to its slash.
    const [claimer] = [...accepted.entries()].filter(([address]) => address !== cheaterSeen).sort((a, b) => b[1] - a[1])[0]!
    const claimerCtx = ctxFor(claimer)
    const balanceOf = async (account: Address): Promise<bigint> =>
      await publicClient.readContract({ address: contracts.MLBToken, abi: MLBTokenAbi, functionName: 'balanceOf', args: [account] })
    const before = await balanceOf(claimer)
    const claimed = await claim(claimerCtx)
    record('claim', claimed.receipt)
    expect(claimed.amount).toBe(BigInt(accepted.get(claimer)!) * REWARD)
    expect(await balanceOf(claimer)).toBe(before + claimed.amount)
    expect(await readClaimable(claimerCtx, { account: claimer })).toBe(0n)
    const creatorClaim = await claim(creator)
    expect(creatorClaim.amount).toBe(created.escrow - 7n * PAID)

    // ------------------------------------------------------------ unlock, then unstake
    // The stake locked at joining stays locked until the task's challenge window after its end.
    expect((await rejection(requestUnstake(claimerCtx, { amount: MIN_STAKE }))).errorName).toBe('InsufficientStake')
    expect((await rejection(unlockStake(claimerCtx, { taskId }))).errorName).toBe('StakeStillLocked')
    const closedAt = (await readTask(claimerCtx, { taskId })).closedAt
    expect(closedAt).toBeGreaterThan(0n)
    expect(await readStakeLocks(claimerCtx, { account: claimer })).toEqual([{ taskId, amount: MIN_STAKE + REWARD, releaseAt: closedAt + BigInt(WINDOW) }])
    await timeTravel(WINDOW)
    const unlocked = await unlockStake(claimerCtx, { taskId })
    record('unlockStake', unlocked.receipt)
    expect(unlocked.amount).toBe(MIN_STAKE + REWARD)
    expect(await readStakeLocks(claimerCtx, { account: claimer })).toEqual([])
    const unstaking = await requestUnstake(claimerCtx, { amount: MIN_STAKE + REWARD })
    record('requestUnstake', unstaking.receipt)
    expect((await rejection(withdrawStake(claimerCtx))).errorName).toBe('StillUnbonding')
    await timeTravel(WINDOW + 1)
    const withdrawn = await withdrawStake(claimerCtx)
    record('withdrawStake', withdrawn.receipt)
    expect(withdrawn.amount).toBe(MIN_STAKE + REWARD)
    expect(await readStake(claimerCtx, { account: claimer })).toEqual({ staked: 0n, locked: 0n, unbonding: 0n, releaseAt: unstaking.releaseAt })

    // ------------------------------------------------------------ the event log
    const events = await readProtocolEvents({ publicClient, contracts }, { fromBlock: created.receipt.blockNumber })
    // The watcher installs its filter asynchronously: compare from the task's creation on.
    const since = (list: ProtocolEvent[]): string[] =>
      list.filter((e) => e.blockNumber >= created.receipt.blockNumber).map((e) => `${e.transactionHash}:${e.logIndex}`)
    await expect.poll(() => since(watched), { timeout: 10_000 }).toEqual(since(events))
    unwatch()
    const names = events.map((e) => `${e.contract}.${e.eventName}`)
    expect(names).toContain('TaskManager.TaskCreated')
    expect(names.filter((n) => n === 'ConsensusVerifier.ShardAccepted')).toHaveLength(4)
    expect(names.filter((n) => n === 'ConsensusVerifier.ShardRequeued')).toHaveLength(0)
    for (const name of ['ShardDisputed', 'SplitResolved', 'ResultSlashed']) {
      expect(names.filter((n) => n === `ConsensusVerifier.${name}`)).toHaveLength(1)
    }
    expect(names.filter((n) => n === 'ModelRegistry.VersionFinalized')).toHaveLength(2)
    const completed = events.find((e) => e.contract === 'TaskManager' && e.eventName === 'TaskCompleted')
    if (completed?.contract === 'TaskManager' && completed.eventName === 'TaskCompleted') {
      expect(completed.args.taskId).toBe(taskId)
    } else {
      expect.unreachable('no TaskCompleted event')
    }
  }, 60_000)

  it('waits out the windows: a missing replica, finalize after the reveal window, a version final by silence, cancel', async () => {
    const creator = ctxOf(1)
    const [a, b] = [ctxOf(6), ctxOf(7)]
    const params = baseParams({ rounds: 1, shards: 1, maxReplication: 2 })
    const { taskId, initialVersionId, escrow } = await createTask(creator, params)
    for (const p of [a, b]) {
      await faucet(p)
      await stake(p, { amount: MIN_STAKE + REWARD })
      await joinTask(p, { taskId })
    }
    await timeTravel(WINDOW + 1)
    await advance(creator, { taskId })
    await drawn()
    const round = 0
    const shard = 0

    // Attempt 0: only one replica commits; it reveals after the commit window, nobody finalizes early.
    let [first] = (await readRound(creator, { taskId })).shards
    const byAddress = new Map([a, b].map((ctx) => [ctx.walletClient.account.address, ctx]))
    const lone = byAddress.get(first!.providers[0]!)!
    const absent = first!.providers[1]!
    const committed = { ...await commitResult(lone, { taskId, round, shard, attempt: 0, deltaCid: placeholderCid('lone'), sealedCid: placeholderCid('sealed lone') }), fingerprint: resultFingerprint(round, shard, 1) }
    expect(committed.replica).toBe(0)
    expect((await rejection(revealResult(lone, committed))).errorName).toBe('RevealNotOpen')
    await timeTravel(WINDOW)
    expect((await rejection(commitResult(byAddress.get(absent)!, { taskId, round, shard, attempt: 0, deltaCid: placeholderCid('late'), sealedCid: placeholderCid('sealed late') }))).errorName).toBe('CommitWindowClosed')
    await drawn()
    await revealResult(lone, committed)
    expect((await rejection(finalizeShards(creator, { taskId, round, shards: [shard] }))).errorName).toBe('FinalizeTooEarly')
    await timeTravel(WINDOW)
    const lonely = await finalizeShards(creator, { taskId, round, shards: [shard] })
    expect(lonely.outcomes).toEqual([{ kind: 'requeued', attempt: 1, replication: 2 }])
    await drawn()
    expect((await readReputation(creator, { account: absent })).missed).toBe(1)
    // Its liveness deposit was burnt; what a slash may take stays locked.
    expect(await readStake(creator, { account: absent })).toMatchObject({ staked: MIN_STAKE, locked: MIN_STAKE })

    // Attempt 1: both replicas (drawn again) commit and reveal; no waiting needed.
    ;[first] = (await readRound(creator, { taskId })).shards
    expect(first!.attempt).toBe(1)
    expect(first!.startBlock).toBe(lonely.receipt.blockNumber)
    const results: Array<CommittedResult & { fingerprint: number[] }> = []
    for (const [i, address] of first!.providers.entries()) {
      const committed = await commitResult(byAddress.get(address)!, { taskId, round, shard, attempt: 1, deltaCid: placeholderCid(`r${i}`), sealedCid: placeholderCid(`sealed r${i}`) })
      results.push({ ...committed, fingerprint: resultFingerprint(round, shard, 10 + i) })
    }
    await drawn()
    await revealResult(byAddress.get(first!.providers[0]!)!, results[0]!)
    const decided = await revealResult(byAddress.get(first!.providers[1]!)!, results[1]!)
    expect(decided).toMatchObject({ outcome: { kind: 'accepted', attempt: 1, winnersMask: 3 }, roundDecided: true })

    // No confirmation: the version waits for its challenge window, then anyone finalizes it. Its
    // delta root lists the re-run's results, not the first attempt's.
    const accepted = await readAcceptedResults(creator, { taskId, round })
    expect(acceptedDeltaRoot(accepted)).toBe(deltaRoot([placeholderCid('r0'), placeholderCid('r1')]))
    const proposed = await proposeVersion(a, {
      taskId,
      results: accepted,
      data: { modelCid: placeholderCid('m1'), commitHash: keccak256(toHex('w1')), deltaRoot: acceptedDeltaRoot(accepted), dataHash: keccak256(toHex('data')), accuracyBps: 5000, loss: 1n }
    })
    expect(proposed.parent).toBe(initialVersionId)
    await expect(confirmVersion(b, { versionId: proposed.versionId, commitHash: keccak256(toHex('other')) })).rejects.toBeInstanceOf(VersionMismatchError)
    expect((await rejection(finalizeVersion(creator, { versionId: proposed.versionId }))).errorName).toBe('ChallengeWindowOpen')
    expect((await rejection(advance(creator, { taskId }))).errorName).toBe('AggregationPending')
    await timeTravel(WINDOW)
    const finalized = await finalizeVersion(creator, { versionId: proposed.versionId })
    record('finalizeVersion', finalized.receipt)
    expect((await readVersion(creator, { versionId: proposed.versionId })).status).toBe('Final')
    const silent = await readVersionSignatures(creator, { versionId: proposed.versionId })
    expect(silent.finalizedIn).toBe(finalized.receipt.transactionHash)
    expect(silent.proposal?.transactionHash).not.toBe(silent.finalizedIn)
    // The absent provider's deposit was burnt, not added to the creator's refund.
    expect(roundEndIn(creator, finalized.receipt)).toEqual({ kind: 'completed', refund: escrow - 2n * PAID })

    // A task nobody runs is cancelled by its creator, who gets the whole escrow back.
    const other = await createTask(creator, baseParams({ rounds: 1, shards: 1 }))
    expect((await rejection(cancelTask(a, { taskId: other.taskId }))).errorName).toBe('NotTaskCreator')
    const cancelled = await cancelTask(creator, { taskId: other.taskId })
    record('cancelTask', cancelled.receipt)
    expect(cancelled.outcome).toEqual({ kind: 'cancelled', refund: other.escrow })
    expect((await readTask(creator, { taskId: other.taskId })).status).toBe('Cancelled')
  }, 60_000)
})
