import type { Address, BlockNumber } from 'viem'
import { RewardDistributorAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import type { ReadContext } from './types.ts'

/** A slash in its appeal delay: what it took and holds, and when it can be executed. */
export interface PendingSlash {
  id: bigint
  provider: Address
  stake: bigint
  earnings: bigint
  /** zero when nobody reported it */
  reporter: Address
  /** unix seconds */
  executableAt: bigint
}

/** The slashes made from `fromBlock` to `toBlock` (default: latest), as `SlashPending` announced them. */
export async function readSlashesMade (ctx: ReadContext, params: { fromBlock: BlockNumber, toBlock?: BlockNumber }): Promise<PendingSlash[]> {
  return await asAction('readSlashesMade', async () => {
    const logs = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, eventName: 'SlashPending',
      fromBlock: params.fromBlock, toBlock: params.toBlock ?? 'latest', strict: true
    })
    return logs.map(({ args }) => ({ id: args.id, provider: args.provider, stake: args.stake, earnings: args.earnings, reporter: args.reporter, executableAt: BigInt(args.executableAt) }))
  })
}

/** Whether slash `id` is still in its appeal delay or waiting to be executed (not executed or overturned yet). */
export async function readSlashPending (ctx: ReadContext, params: { id: bigint }): Promise<boolean> {
  return await asAction('readSlashPending', async () => {
    const [provider] = await ctx.publicClient.readContract({
      address: ctx.contracts.RewardDistributor, abi: RewardDistributorAbi, functionName: 'pendingSlashes', args: [params.id]
    })
    return provider !== '0x0000000000000000000000000000000000000000'
  })
}
