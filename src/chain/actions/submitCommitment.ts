import type { Hex, TransactionReceipt } from 'viem'
import { asAction } from './errors.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * Sends commitments as they are to `ConsensusVerifier.commit`, one per replica slot, in one
 * transaction; `commitResults` computes them first. Whatever is committed, only a reveal by the
 * same sender can open it.
 */
export async function submitCommitment (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, entries: ReadonlyArray<{ shard: number, replica: number, commitment: Hex }> }
): Promise<{ receipt: TransactionReceipt }> {
  return await asAction('commitResult', async () => {
    const receipt = await transact(ctx, 'commitResult', {
      contract: 'ConsensusVerifier', functionName: 'commit',
      args: [params.taskId, BigInt(params.round), params.entries.map((e) => ({ shard: BigInt(e.shard), replica: BigInt(e.replica), commitment: e.commitment }))]
    })
    return { receipt }
  })
}
