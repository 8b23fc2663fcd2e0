import { decodeFunctionData, type Hex } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { ChainActionError, asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/**
 * The salt a replica revealed: not in the `Revealed` event, but public in the reveal transaction's
 * calldata once it is mined. `blockNumber` is the event's block (`readRevealed` gives it).
 */
export async function readRevealedSalt (
  ctx: ReadContext,
  params: { taskId: bigint, round: number, shard: number, replica: number, blockNumber: bigint }
): Promise<Hex> {
  return await asAction('readRevealedSalt', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, eventName: 'Revealed',
      args: { taskId: params.taskId, round: BigInt(params.round), shard: BigInt(params.shard) },
      fromBlock: params.blockNumber, toBlock: params.blockNumber, strict: true
    })
    const log = logs.find((l) => Number(l.args.replica) === params.replica)
    if (log === undefined) throw new ChainActionError('readRevealedSalt', `readRevealedSalt: replica ${params.replica} revealed nothing in block ${params.blockNumber}.`)
    const tx = await ctx.publicClient.getTransaction({ hash: log.transactionHash })
    const call = decodeFunctionData({ abi: ConsensusVerifierAbi, data: tx.input })
    if (call.functionName !== 'reveal') throw new ChainActionError('readRevealedSalt', `readRevealedSalt: transaction ${log.transactionHash} is not a reveal.`)
    return call.args[6]
  })
}
