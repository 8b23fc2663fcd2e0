import type { Hex, TransactionReceipt } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { eventsIn } from './internal.ts'
import { transact } from './transact.ts'
import type { WriteContext } from './types.ts'

/**
 * The referee's verdict on a split shard (`REFEREE_ROLE` only, before the shard's referee
 * deadline): the replicas in `winnersMask` are paid as the shard's winners, every other revealed
 * replica is slashed. `accepted` is false when the mask is empty (the shard runs again).
 */
export async function resolveSplit (
  ctx: WriteContext,
  params: { taskId: bigint, round: number, shard: number, winnersMask: number, evidence: Hex }
): Promise<{ accepted: boolean, roundDecided: boolean, receipt: TransactionReceipt }> {
  return await asAction('resolveSplit', async () => {
    const receipt = await transact(ctx, 'resolveSplit', {
      contract: 'ConsensusVerifier', functionName: 'resolveSplit',
      args: [params.taskId, BigInt(params.round), BigInt(params.shard), BigInt(params.winnersMask), params.evidence]
    })
    const at = ctx.contracts.ConsensusVerifier
    return {
      accepted: eventsIn(receipt, ConsensusVerifierAbi, 'ShardAccepted', at).length > 0,
      roundDecided: eventsIn(receipt, ConsensusVerifierAbi, 'RoundDecided', at).length > 0,
      receipt
    }
  })
}
