import type { Address, Hex, TransactionReceipt } from 'viem'
import type { VersionContent } from '../../core/version/signature.ts'
import { ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/** One signed content: what a `Version` signature covers, and the signature. */
export interface SignedVersion {
  content: VersionContent
  signature: Hex
}

/**
 * Reports `signer` for two `Version` signatures of different models for one task round and parent
 * (`ModelRegistry.reportEquivocation`): the signer is slashed the task's minimum stake, of which
 * the caller is credited the reporter's share, and is ejected from the task's later draws.
 */
export async function reportEquivocation (
  ctx: WriteContext,
  params: { signer: Address, a: SignedVersion, b: SignedVersion }
): Promise<{ slashed: bigint, receipt: TransactionReceipt }> {
  return await asAction('reportEquivocation', async () => {
    const proposal = ({ content }: SignedVersion) => ({ taskId: content.taskId, round: content.round, parent: content.parent, data: content.data })
    const receipt = await transact(ctx, 'reportEquivocation', {
      contract: 'ModelRegistry',
      functionName: 'reportEquivocation',
      args: [params.signer, proposal(params.a), params.a.signature, proposal(params.b), params.b.signature]
    })
    const { args } = eventIn('reportEquivocation', receipt, ModelRegistryAbi, 'Equivocated', ctx.contracts.ModelRegistry)
    return { slashed: args.amount, receipt }
  })
}
