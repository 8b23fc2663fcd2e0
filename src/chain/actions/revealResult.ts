import type { BlockNumber, BlockTag, TransactionReceipt } from 'viem'
import { revealResults, type RevealParams } from './revealResults.ts'
import type { ShardOutcome } from './shardResults.ts'
import type { WriteContext } from './types.ts'

export type { RevealParams } from './revealResults.ts'

/** Reveals one result: `revealResults` with a batch of one. */
export async function revealResult (
  ctx: WriteContext,
  params: RevealParams,
  opts: { fromBlock?: BlockNumber | BlockTag } = {}
): Promise<{ attempt: number, outcome?: ShardOutcome, roundDecided: boolean, receipt: TransactionReceipt }> {
  const { revealed: [own], roundDecided, receipt } = await revealResults(ctx, [params], opts)
  return { attempt: own!.attempt, ...(own!.outcome === undefined ? {} : { outcome: own!.outcome }), roundDecided, receipt }
}
