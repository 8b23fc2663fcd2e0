/**
 * Runs a one-shard, one-replica placeholder task (placeholderTask.ts) to completion through the
 * chain actions alone, nothing trained: for tests that need a task's whole event trail quickly.
 */
import { keccak256, toHex, type Address } from 'viem'
import {
  advance, claim, commitResult, finalizeVersion, proposeVersion, readAcceptedResults, readAssignment, revealResult, type TaskParams, type VersionData, type WriteContext
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

export interface PlaceholderTaskOptions {
  /** @default 1 */
  rounds?: number
  /** every window, seconds @default 600 */
  window?: number
  /** task parameters in place of the placeholders (a real spec and initial model, say) */
  params?: Partial<TaskParams>
  /** the version round `round` of task `taskId` proposes (a test may pin it first) @default placeholders named after the round */
  version?: (round: number, taskId: bigint) => Pick<VersionData, 'modelCid' | 'commitHash'> | Promise<Pick<VersionData, 'modelCid' | 'commitHash'>>
}

/**
 * One shard, one replica, `rounds` rounds (default one): create, join, then per round commit,
 * reveal (which accepts), propose, finalize (which ends the round); then claim. `local.timeTravel`
 * lets each window pass.
 */
export async function runPlaceholderTask (local: Pick<LocalChain, 'timeTravel' | 'testClient'>, creator: WriteContext, provider: WriteContext, opts: PlaceholderTaskOptions = {}): Promise<PlaceholderRun> {
  const window = opts.window ?? 600
  const params = placeholderTaskParams({ rounds: opts.rounds ?? 1, ...opts.params }, { window })
  const version = opts.version ?? ((round) => ({ modelCid: placeholderCid(`model-${round + 1}`), commitHash: keccak256(toHex(`weights-${round + 1}`)) }))
  const taskId = await createPlainTask(creator, params)
  await joinAsProvider(provider, taskId)
  await local.timeTravel(window + 1)
  await advance(creator, { taskId })
  const account = provider.walletClient.account.address
  const versions: Array<{ parent: bigint, versionId: bigint }> = []
  for (let round = 0; round < params.rounds; round++) {
    // the round's draw uses the hash of the block that started it, readable from the next block
    await local.testClient.mine({ blocks: 1 })
    const slot = (await readAssignment(provider, { taskId, account })).shards[0]
    if (slot === undefined) throw new Error('the only provider was not drawn for the only shard')
    const committed = await commitResult(provider, {
      taskId, round, shard: slot.shard, attempt: 0, replica: slot.replica, deltaCid: placeholderCid(`delta-${round}`), sealedCid: placeholderCid(`sealed delta-${round}`)
    })
    // the fingerprint's seed is the hash of the commit's block: the reveal is checked in a later one
    await local.testClient.mine({ blocks: 1 })
    // Its only replica, the reveal decides the shard too.
    await revealResult(provider, { ...committed, fingerprint: Array.from({ length: params.fingerprintLength }, (_, i) => i) })

    const results = await readAcceptedResults(creator, { taskId, round })
    const proposed = await proposeVersion(provider, {
      taskId,
      data: { ...await version(round, taskId), deltaRoot: acceptedDeltaRoot(results), dataHash: params.initialDataHash, accuracyBps: 9100 + round, loss: 1234n - BigInt(round) },
      results
    })
    versions.push(proposed)
    // A lone winner cannot gather the signatures a proposal needs: it becomes final once its challenge window passes.
    await local.timeTravel(window + 1)
    // Final, it starts the next round (or completes the task after the last) in the same transaction.
    await finalizeVersion(creator, { versionId: proposed.versionId })
  }
  const { amount } = await claim(provider)
  return { taskId, initialVersionId: versions[0]!.parent, versionId: versions.at(-1)!.versionId, provider: account, claimed: amount }
}
