import type { Address, BlockNumber, BlockTag, Hex } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

export interface RevealedResult {
  attempt: number
  replica: number
  provider: Address
  deltaCid: Hex
  fingerprint: number[]
  blockNumber: bigint
}

/**
 * The results revealed for a shard of a round (all attempts unless `attempt` is given), from the
 * verifier's `Revealed` events; aggregators read the accepted delta CIDs here. `fromBlock`
 * defaults to 0 (fine locally; on a public chain pass the task's creation block).
 */
export async function readRevealed (
  ctx: ReadContext,
  params: { taskId: bigint, round: number, shard: number, attempt?: number, fromBlock?: BlockNumber | BlockTag }
): Promise<RevealedResult[]> {
  return await asAction('readRevealed', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ConsensusVerifier,
      abi: ConsensusVerifierAbi,
      eventName: 'Revealed',
      args: { taskId: params.taskId, round: BigInt(params.round), shard: BigInt(params.shard) },
      fromBlock: params.fromBlock ?? 0n,
      toBlock: 'latest',
      strict: true
    })
    return logs
      .map((log) => ({
        attempt: Number(log.args.attempt),
        replica: Number(log.args.replica),
        provider: log.args.provider,
        deltaCid: log.args.deltaCid,
        fingerprint: [...log.args.fingerprint],
        blockNumber: log.blockNumber ?? 0n
      }))
      .filter((result) => params.attempt === undefined || result.attempt === params.attempt)
  })
}
