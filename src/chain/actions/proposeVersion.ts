import type { Hex, TransactionReceipt } from 'viem'
import { ModelRegistryAbi, TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import { readRegistryDomain } from './readRegistryDomain.ts'
import { signatureDeadline } from './signatureDeadline.ts'
import type { WriteContext } from './types.ts'

/** A version's content (`ModelRegistry.VersionData`). */
export interface VersionData {
  /** Binary CID of the model weights. */
  modelCid: Hex
  /** Content hash of the weights. */
  commitHash: Hex
  /** Merkle root of the accepted delta CIDs. */
  deltaRoot: Hex
  dataHash: Hex
  /** Validation accuracy in basis points. */
  accuracyBps: number
  /** Validation loss, fixed point as the task defines it. */
  loss: bigint
}

export const PROPOSE_TYPES = {
  Propose: [
    { name: 'taskId', type: 'uint256' },
    { name: 'round', type: 'uint256' },
    { name: 'parent', type: 'uint256' },
    { name: 'modelCid', type: 'bytes' },
    { name: 'commitHash', type: 'bytes32' },
    { name: 'deltaRoot', type: 'bytes32' },
    { name: 'dataHash', type: 'bytes32' },
    { name: 'accuracyBps', type: 'uint32' },
    { name: 'loss', type: 'uint64' },
    { name: 'aggregator', type: 'address' },
    { name: 'nonce', type: 'uint256' },
    { name: 'deadline', type: 'uint256' }
  ]
} as const

export interface ProposedVersion {
  versionId: bigint
  parent: bigint
  signature: Hex
  nonce: bigint
  deadline: bigint
  receipt: TransactionReceipt
}

/**
 * The aggregator's part: signs an EIP-712 `Propose` for the task's current, fully decided round
 * (domain read from the registry, nonce from `nonces(aggregator)`) and submits it. `parent`
 * defaults to the task model's head; `deadline` to an hour of chain time.
 */
export async function proposeVersion (
  ctx: WriteContext,
  params: { taskId: bigint, round?: number, parent?: bigint, data: VersionData, deadline?: bigint }
): Promise<ProposedVersion> {
  return await asAction('proposeVersion', async () => {
    const { publicClient, walletClient, contracts } = ctx
    const aggregator = walletClient.account.address
    const task = await publicClient.readContract({ address: contracts.TaskManager, abi: TaskManagerAbi, functionName: 'getTask', args: [params.taskId] })
    const round = BigInt(params.round ?? task.currentRound)
    const [domain, nonce, model, deadline] = await Promise.all([
      readRegistryDomain(ctx),
      publicClient.readContract({ address: contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'nonces', args: [aggregator] }),
      publicClient.readContract({ address: contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getModel', args: [task.modelId] }),
      params.deadline ?? signatureDeadline(publicClient)
    ])
    const parent = params.parent ?? model.head
    const signature = await walletClient.signTypedData({
      account: walletClient.account,
      domain,
      types: PROPOSE_TYPES,
      primaryType: 'Propose',
      message: { taskId: params.taskId, round, parent, ...params.data, aggregator, nonce, deadline }
    })
    const receipt = await transact(ctx, 'proposeVersion', { contract: 'ModelRegistry', functionName: 'propose', args: [{ taskId: params.taskId, round, parent, data: params.data }, aggregator, deadline, signature] })
    const { args } = eventIn('proposeVersion', receipt, ModelRegistryAbi, 'VersionProposed', contracts.ModelRegistry)
    return { versionId: args.versionId, parent, signature, nonce, deadline, receipt }
  })
}
