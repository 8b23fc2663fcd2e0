/**
 * Runs a one-shard, one-replica placeholder task (placeholderTask.ts) to completion through the
 * chain actions alone, nothing trained: for tests that need a task's whole event trail quickly.
 */
import { keccak256, toHex, type Address } from 'viem'
import {
  advance, claim, commitResult, finalizeVersion, proposeVersion, readAcceptedResults, readAssignment, revealResult, type WriteContext
} from '../../src/chain/actions/index.ts'
import { acceptedDeltaRoot } from '../../src/core/version/acceptedResults.ts'
import type { LocalChain } from './localChain.ts'
import { createPlainTask, joinAsProvider, placeholderCid, placeholderTaskParams } from './placeholderTask.ts'

export interface PlaceholderRun {
  taskId: bigint
  initialVersionId: bigint
  versionId: bigint
  provider: Address
  /** what the provider's claim paid out */
  claimed: bigint
}

/** One round, one shard, one replica: create, join, commit, reveal, accept, propose, finalize, complete, claim. */
export async function runPlaceholderTask (local: LocalChain, creator: WriteContext, provider: WriteContext): Promise<PlaceholderRun> {
  const window = 600
  const params = placeholderTaskParams({}, { window })
  const taskId = await createPlainTask(creator, params)
  await joinAsProvider(provider, taskId)
  await local.timeTravel(window + 1)
  await advance(creator, { taskId })
  // the round's draw uses the hash of the block after the advance
  await local.testClient.mine({ blocks: 2 })

  const account = provider.walletClient.account.address
  const slot = (await readAssignment(provider, { taskId, account })).shards[0]
  if (slot === undefined) throw new Error('the only provider was not drawn for the only shard')
  const committed = await commitResult(provider, {
    taskId, round: 0, shard: slot.shard, attempt: 0, replica: slot.replica, deltaCid: placeholderCid('delta'), sealedCid: placeholderCid('sealed delta')
  })
  // the fingerprint's seed is the hash of the block after the commit
  await local.testClient.mine({ blocks: 2 })
  // Its only replica, the reveal decides the shard too.
  await revealResult(provider, { ...committed, fingerprint: Array.from({ length: params.fingerprintLength }, (_, i) => i) })

  const results = await readAcceptedResults(creator, { taskId, round: 0 })
  const proposed = await proposeVersion(provider, {
    taskId,
    data: { modelCid: placeholderCid('model-1'), commitHash: keccak256(toHex('weights-1')), deltaRoot: acceptedDeltaRoot(results), dataHash: params.initialDataHash, accuracyBps: 9100, loss: 1234n },
    results
  })
  // A lone winner cannot gather the signatures a proposal needs: it becomes final once its challenge window passes.
  await local.timeTravel(window + 1)
  // Final, it completes the one-round task in the same transaction.
  await finalizeVersion(creator, { versionId: proposed.versionId })
  const { amount } = await claim(provider)
  return { taskId, initialVersionId: proposed.parent, versionId: proposed.versionId, provider: account, claimed: amount }
}
