import type { Hex, TransactionReceipt } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Sends a commitment as is to `ConsensusVerifier.commit` (a batch of one) for a replica slot;
 * `commitResult` computes it first. Whatever is committed, only a reveal by the same sender can open it.
 */
export async function submitCommitment (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, shard: number, replica: number, commitment: Hex }
): Promise<{ attempt: number, receipt: TransactionReceipt }> {
  return await asAction('commitResult', async () => {
    const receipt = await transact(ctx, 'commitResult', {
      contract: 'ConsensusVerifier', functionName: 'commit',
      args: [params.taskId, BigInt(params.round), [{ shard: BigInt(params.shard), replica: BigInt(params.replica), commitment: params.commitment }]]
    })
    const { args } = eventIn('commitResult', receipt, ConsensusVerifierAbi, 'Committed', ctx.contracts.ConsensusVerifier)
    return { attempt: Number(args.attempt), receipt }
  })
}
