/**
 * A task whose artifacts are placeholders (named by CID, never fetched): what tests of the chain
 * and of the pinner create where nothing trains.
 */
import { keccak256, parseEther, toHex, type Hex } from 'viem'
import { NO_PARENT_DATA, createTask, faucet, joinTask, stake, type TaskParams, type WriteContext } from '../../src/chain/actions/index.ts'
import { DEFAULT_FINGERPRINT_TOLERANCE } from '../../src/core/fingerprint.ts'

/** A raw CID naming `label`. */
export const placeholderCid = (label: string): Hex => `0x01551220${keccak256(toHex(label)).slice(2)}`

/** One round of one shard with one replica, every window `window` seconds, unless `over` says otherwise. */
export function placeholderTaskParams (over: Partial<TaskParams> = {}, opts: { window?: number } = {}): TaskParams {
  const window = opts.window ?? 600
  return {
    specCid: placeholderCid('spec'),
    datasetCid: placeholderCid('dataset'),
    initialModelCid: placeholderCid('model-0'),
    initialCommitHash: keccak256(toHex('weights-0')),
    initialDataHash: keccak256(toHex('data')),
    parentVersion: 0n,
    parentData: NO_PARENT_DATA,
    rounds: 1,
    shards: 1,
    replication: 1,
    maxReplication: 1,
    fingerprintLength: 16,
    confirmations: 1,
    tolerance: DEFAULT_FINGERPRINT_TOLERANCE,
    joinWindow: window,
    commitWindow: window,
    revealWindow: window,
    aggregateWindow: window,
    challengeWindow: window,
    rewardPerResult: parseEther('10'),
    minStake: parseEther('100'),
    parameters: 1000,
    trainMflop: 10,
    activationKib: 64,
    name: 'placeholder',
    description: 'placeholder artifacts for a test',
    ...over
  }
}

/** A task with placeholder artifacts, created and funded by `creator`; returns its ID. */
export async function createPlainTask (creator: WriteContext, over: Partial<TaskParams> = {}): Promise<bigint> {
  await faucet(creator)
  const { taskId } = await createTask(creator, placeholderTaskParams(over))
  return taskId
}

/** `provider` stakes what joining a placeholder task locks (its minimum stake and one reward) and joins. */
export async function joinAsProvider (provider: WriteContext, taskId: bigint): Promise<void> {
  const { minStake, rewardPerResult } = placeholderTaskParams()
  await faucet(provider)
  await stake(provider, { amount: minStake + rewardPerResult })
  await joinTask(provider, { taskId })
}
