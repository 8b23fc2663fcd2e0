/** `ProviderChain` over the chain actions of src/chain/actions, bound to one wallet's account. */
import { zeroAddress, type BlockNumber } from 'viem'
import {
  advance, challengeResult, challengeVersion, proveInvalidDelta, claim, readOpenResultChallenge, commitResults, confirmVersion, faucet, finalizeShards, finalizeVersion, joinTask, proposeVersion, readAcceptedShards,
  readClaimable, readFingerprintSeed, readOpenChallenge, readHasConfirmed, readIsAway, readMembership, readModel, readProposals, readProviders, readRegistryDomain, readRevealed, readRound, readStake, reportEquivocation,
  readStakeLocks, readTask, readTaskLock, readVersion, revealResults, signVersion, stake, stepAway, stepBack, logsFrom, unlockStake, watchProtocolEvents, type ReadContext, type WriteContext
} from '../chain/actions/index.ts'
import type { ProviderChain } from './types.ts'

/** What recomputing a round reads (recompute.ts): no account, so an auditor or a referee needs no wallet for it. */
export type RoundReader = Pick<ProviderChain, 'verifier' | 'chainId' | 'readFingerprintSeed' | 'readRevealed' | 'readAccepted'>

/** How often new protocol events are looked for (an `eth_getFilterChanges` call). */
const WATCH_INTERVAL_MS = 1000
/** How often the head is read while the loop waits for the next block (an `eth_blockNumber` call). */
const BLOCK_WATCH_INTERVAL_MS = 250

/**
 * Binds the actions to `ctx`'s account. A round's event queries (proposals, accepted shards,
 * reveals) start at the block the round (or the shard's attempt) started in, which the chain
 * records, unless `fromBlock` says where; the stake locks from `fromBlock` or the deployment block.
 */
export function chainForAccount (ctx: WriteContext, opts: { fromBlock?: BlockNumber, watchIntervalMs?: number } = {}): ProviderChain {
  const { publicClient } = ctx
  const account = ctx.walletClient.account.address
  const fromBlock = logsFrom(ctx, opts.fromBlock)
  const revealsFrom = opts.fromBlock
  let domain: ReturnType<typeof readRegistryDomain> | undefined
  return {
    ...roundReader(ctx, opts),
    account,
    now: async () => (await publicClient.getBlock({ blockTag: 'latest' })).timestamp,
    readTask: async (taskId) => await readTask(ctx, { taskId }),
    readRound: async (taskId, round) => await readRound(ctx, { taskId, round }),
    readStake: async () => await readStake(ctx, { account }),
    readStakeLocks: async () => await readStakeLocks(ctx, { account, fromBlock }),
    readTaskLock: async (taskId) => await readTaskLock(ctx, { taskId, account }),
    unlockStake: async (taskId) => (await unlockStake(ctx, { taskId })).amount,
    readProviders: async (taskId) => await readProviders(ctx, { taskId }),
    membership: async (taskId) => await readMembership(ctx, { taskId, account }),
    isAway: async (taskId) => await readIsAway(ctx, { taskId, account }),
    stepAway: async (taskId) => (await stepAway(ctx, { taskId })).fromRound,
    stepBack: async (taskId) => (await stepBack(ctx, { taskId })).fromRound,
    readVersion: async (versionId) => await readVersion(ctx, { versionId }),
    readModelHead: async (modelId) => (await readModel(ctx, { modelId })).head,
    readProposals: async (taskId, round) => await readProposals(ctx, { taskId, round, fromBlock: opts.fromBlock }),
    hasConfirmed: async (versionId) => await readHasConfirmed(ctx, { versionId, account }),
    readClaimable: async () => await readClaimable(ctx, { account }),
    faucet: async () => (await faucet(ctx)).amount,
    stake: async (amount) => { await stake(ctx, { amount }) },
    joinTask: async (taskId) => { await joinTask(ctx, { taskId }) },
    advance: async (taskId) => (await advance(ctx, { taskId })).outcome,
    commitResults: async (results) => await commitResults(ctx, results),
    revealResults: async (results) => { await revealResults(ctx, results, revealsFrom === undefined ? {} : { fromBlock: revealsFrom }) },
    finalizeShards: async (taskId, round, shards) => {
      const { outcomes, roundDecided } = await finalizeShards(ctx, { taskId, round, shards, fromBlock: revealsFrom })
      return { outcomes, roundDecided }
    },
    registryDomain: async () => await (domain ??= readRegistryDomain(ctx)),
    signVersion: async (content) => await signVersion(ctx, content, await (domain ??= readRegistryDomain(ctx))),
    proposeVersion: async (taskId, round, parent, data, signatures, results) => {
      const { versionId, final } = await proposeVersion(ctx, { taskId, round, parent, data, signatures, results })
      return { versionId, final }
    },
    confirmVersion: async (versionId, commitHash) => {
      const { final } = await confirmVersion(ctx, { versionId, commitHash })
      return { final }
    },
    finalizeVersion: async (versionId) => { await finalizeVersion(ctx, { versionId }) },
    challengeVersion: async (versionId, claim) => {
      // Another winner's challenge is open: a later commitment could not take it over, so spare the two transactions.
      if ((await readOpenChallenge(ctx, { versionId })).challenger !== zeroAddress) return
      await challengeVersion(ctx, { versionId, claim })
    },
    challengeResult: async (ref, claim) => {
      if ((await readOpenResultChallenge(ctx, { ref })).challenger !== zeroAddress) return false
      const { rewardPerResult } = await readTask(ctx, { taskId: ref.taskId })
      await challengeResult(ctx, { ref, bond: rewardPerResult, claim })
      return true
    },
    proveInvalidDelta: async (ref, proof) => { await proveInvalidDelta(ctx, { ref, ...proof }) },
    reportEquivocation: async (signer, a, b) => (await reportEquivocation(ctx, { signer, a, b })).slashed,
    claim: async () => (await claim(ctx)).amount,
    watch: (taskId, onChange) => watchProtocolEvents(ctx, {
      pollingInterval: opts.watchIntervalMs ?? WATCH_INTERVAL_MS,
      // Events of the task, and registry events that name only a version (any task's: a spare tick is cheap).
      onEvents: (events) => { if (events.some((e) => !('taskId' in e.args) || (e.args as { taskId: bigint }).taskId === taskId)) onChange() },
      onError: () => {} // the loop's fallback poll covers a flaky RPC
    }),
    watchBlocks: (onBlock) => publicClient.watchBlockNumber({
      pollingInterval: BLOCK_WATCH_INTERVAL_MS,
      onBlockNumber: () => { onBlock() },
      onError: () => {}
    })
  }
}

/** The reads of a round's results, bound to `ctx` alone; `fromBlock` as in chainForAccount. */
export function roundReader (ctx: ReadContext, opts: { fromBlock?: BlockNumber } = {}): RoundReader {
  let chainId: Promise<number> | undefined
  return {
    verifier: ctx.contracts.ConsensusVerifier,
    chainId: async () => await (chainId ??= ctx.publicClient.getChainId()),
    readFingerprintSeed: async (taskId, round, shard, attempt) => (await readFingerprintSeed(ctx, { taskId, round, shard, attempt })).seed,
    readRevealed: async (taskId, round, shard, attempt) => await readRevealed(ctx, { taskId, round, shard, attempt, fromBlock: opts.fromBlock }),
    readAccepted: async (taskId, round) => await readAcceptedShards(ctx, { taskId, round, fromBlock: opts.fromBlock })
  }
}
