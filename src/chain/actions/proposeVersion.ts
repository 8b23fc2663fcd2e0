import type { Hex, TransactionReceipt } from 'viem'
import type { AcceptedResult } from '../../core/version/acceptedResults.ts'
import { ascendingSigners, type SignerSignature, type VersionData } from '../../core/version/signature.ts'
import { ModelRegistryAbi, TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn, eventsIn } from './internal.ts'
import { signVersion } from './signVersion.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

export type { VersionData } from '../../core/version/signature.ts'

export interface ProposedVersion {
  versionId: bigint
  round: bigint
  parent: bigint
  /** the caller's own signature */
  signature: Hex
  /** every signature submitted, the caller's included, in the order submitted */
  signers: SignerSignature[]
  /** whether the signers sufficed to make it final in this transaction */
  final: boolean
  receipt: TransactionReceipt
}

/**
 * A winner proposes the version of the task's current, fully decided round: signs its EIP-712
 * `Version` and submits it with `signatures`, other winners' signatures of the same content
 * gathered off chain (check them first: one bad signature reverts the whole proposal), and
 * `results`, what every winner of the round revealed (see core/version/acceptedResults.ts): the
 * verifier computes the delta root from them and refuses a `data.deltaRoot` that differs. The
 * caller's own signature is made here unless `signatures` holds it already. `round` defaults to
 * the current round, `parent` to the task model's head.
 */
export async function proposeVersion (
  ctx: WriteContext,
  params: { taskId: bigint, round?: number, parent?: bigint, data: VersionData, signatures?: readonly SignerSignature[], results: readonly AcceptedResult[] }
): Promise<ProposedVersion> {
  return await asAction('proposeVersion', async () => {
    const { publicClient, walletClient, contracts } = ctx
    const me = walletClient.account.address
    const task = await publicClient.readContract({ address: contracts.TaskManager, abi: TaskManagerAbi, functionName: 'getTask', args: [params.taskId] })
    const round = BigInt(params.round ?? task.currentRound)
    const parent = params.parent ?? (await publicClient.readContract({ address: contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'getModel', args: [task.modelId] })).head
    const mine = (s: SignerSignature): boolean => s.signer.toLowerCase() === me.toLowerCase()
    const signature = params.signatures?.find(mine)?.signature ?? await signVersion(ctx, { taskId: params.taskId, round, parent, data: params.data })
    const others = (params.signatures ?? []).filter((s) => !mine(s))
    const signers = ascendingSigners([...others, { signer: me, signature }])
    const receipt = await transact(ctx, 'proposeVersion', {
      contract: 'ModelRegistry',
      functionName: 'propose',
      args: [{ taskId: params.taskId, round, parent, data: params.data }, signers.map((s) => s.signer), signers.map((s) => s.signature), params.results]
    })
    const { args } = eventIn('proposeVersion', receipt, ModelRegistryAbi, 'VersionProposed', contracts.ModelRegistry)
    const final = eventsIn(receipt, ModelRegistryAbi, 'VersionFinalized', contracts.ModelRegistry).length > 0
    return { versionId: args.versionId, round, parent, signature, signers, final, receipt }
  })
}
