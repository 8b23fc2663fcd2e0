import type { Address, BlockNumber, BlockTag, Hex } from 'viem'
import { unpackFingerprint } from '../../core/fingerprint.ts'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readRoundStartBlock } from './readRoundStartBlock.ts'
import type { ReadContext } from './types.ts'

export interface RevealedResult {
  attempt: number
  replica: number
  provider: Address
  deltaCid: Hex
  sealedCid: Hex
  /** The commitment's salt: the sealed delta opens with the key derived from it. */
  salt: Hex
  fingerprint: number[]
  blockNumber: bigint
}

/**
 * The results revealed for a shard of a round (all attempts unless `attempt` is given), from the
 * verifier's `Revealed` events; aggregators read the accepted delta CIDs here. `fromBlock`
 * defaults to the block in which the attempt started when `attempt` is the shard's current attempt
 * (`attemptStart`), else to the block in which the round started (`roundStarts`), so no scan
 * starts at block 0.
 */
export async function readRevealed (
  ctx: ReadContext,
  params: { taskId: bigint, round: number, shard: number, attempt?: number, fromBlock?: BlockNumber | BlockTag }
): Promise<RevealedResult[]> {
  return await asAction('readRevealed', async () => {
    const fromBlock = params.fromBlock ?? await defaultFromBlock(ctx, params)
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ConsensusVerifier,
      abi: ConsensusVerifierAbi,
      eventName: 'Revealed',
      args: { taskId: params.taskId, round: BigInt(params.round), shard: BigInt(params.shard) },
      fromBlock,
      toBlock: 'latest',
      strict: true
    })
    return logs
      .map((log) => ({
        attempt: Number(log.args.attempt),
        replica: Number(log.args.replica),
        provider: log.args.provider,
        deltaCid: log.args.deltaCid,
        sealedCid: log.args.sealedCid,
        salt: log.args.salt,
        fingerprint: unpackFingerprint(log.args.fingerprint),
        blockNumber: log.blockNumber ?? 0n
      }))
      .filter((result) => params.attempt === undefined || result.attempt === params.attempt)
  })
}

/** Where the shard's `Revealed` events can begin: its current attempt's start block, or the round's. */
async function defaultFromBlock (
  ctx: ReadContext,
  params: { taskId: bigint, round: number, shard: number, attempt?: number }
): Promise<bigint> {
  const round = BigInt(params.round)
  if (params.attempt !== undefined) {
    const [current, , startBlock] = await ctx.publicClient.readContract({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'attemptStart', args: [params.taskId, round, BigInt(params.shard)]
    })
    if (Number(current) === params.attempt) return BigInt(startBlock)
  }
  return await readRoundStartBlock(ctx, params)
}
