/**
 * An MNIST task created from Node, as the wizard creates one in a page: the spec and the initial
 * model are put through the creator's artifact store (pinned wherever that store pins), the
 * bundled data set is named by the CID and hash of its asset, and the task is funded from the
 * creator's faucet. Used by the integration tests and the simulator.
 */
import { parseEther, type Hex } from 'viem'
import { NO_PARENT_DATA, createTask, faucet, taskBudget, type CreatedTask, type TaskParams, type WriteContext } from '../../src/chain/actions/index.ts'
import { declaredResources, type DeclaredResources } from '../../src/core/resourceLimits.ts'
import { defineTask } from '../../src/core/taskDefinition.ts'
import type { TaskSpec } from '../../src/core/taskSpec.ts'
import { encodeTaskSpec } from '../../src/core/taskSpec.ts'
import { publishInitialModel, type ArtifactStore, type PublishedModel } from '../../src/provider/index.ts'
import { MNIST_ASSET_PATH } from '../../src/train/data/mnistAsset.ts'
import { bundledDataIdentity } from '../taskData.ts'

export type MnistTaskShape = Pick<TaskParams, 'rounds' | 'shards' | 'replication' | 'maxReplication'> &
  Partial<Pick<TaskParams, 'joinWindow' | 'confirmations' | 'rewardPerResult' | 'minStake' | 'name' | 'description'>> & {
    /** what the task declares a result costs @default what its spec needs */
    declared?: Partial<DeclaredResources>
    /** commit, reveal, aggregate and challenge windows, seconds @default 600 */
    window?: number
    /** the bundled asset the task trains on, under public/ @default the MNIST digits */
    asset?: string
  }

export interface MnistTask {
  created: CreatedTask
  initial: PublishedModel
  specCid: Hex
}

/** MLBToken.FAUCET_AMOUNT */
const FAUCET_DRIP = parseEther('1000')

export async function createMnistTask (creator: WriteContext, artifacts: ArtifactStore, spec: TaskSpec, shape: MnistTaskShape): Promise<MnistTask> {
  const initial = await publishInitialModel(spec, artifacts)
  const specCid = await artifacts.put(encodeTaskSpec(spec), 'spec')
  const data = await bundledDataIdentity(shape.asset ?? MNIST_ASSET_PATH)
  const window = shape.window ?? 600
  const rewardPerResult = shape.rewardPerResult ?? parseEther('10')
  // a long task's budget takes more than one drip of the local faucet
  const drips = Number(taskBudget({ ...shape, rewardPerResult }) / FAUCET_DRIP) + 1
  for (let i = 0; i < drips; i++) await faucet(creator)
  const created = await createTask(creator, {
    specCid,
    datasetCid: data.datasetCid,
    initialModelCid: initial.modelCid,
    initialCommitHash: initial.commitHash,
    initialDataHash: data.dataHash,
    parentVersion: 0n,
    parentData: NO_PARENT_DATA,
    rounds: shape.rounds,
    shards: shape.shards,
    replication: shape.replication,
    maxReplication: shape.maxReplication,
    fingerprintLength: spec.fingerprint.length,
    confirmations: shape.confirmations ?? 1,
    tolerance: spec.fingerprint.tolerance,
    joinWindow: shape.joinWindow ?? 30,
    commitWindow: window,
    revealWindow: window,
    aggregateWindow: window,
    challengeWindow: window,
    rewardPerResult,
    minStake: shape.minStake ?? parseEther('100'),
    ...declaredResources(defineTask(spec).cost),
    ...shape.declared,
    name: shape.name ?? 'MNIST digits',
    description: shape.description ?? ''
  })
  return { created, initial, specCid }
}
