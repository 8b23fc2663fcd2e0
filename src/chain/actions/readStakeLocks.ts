import type { Address, BlockNumber } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readTask } from './readTask.ts'
import { readTaskLock } from './readTaskLock.ts'
import { logsFrom, type ReadContext } from './types.ts'

/** Stake `account` still has locked for a task it joined. */
export interface StakeLock {
  taskId: bigint
  amount: bigint
  /** chain seconds from which `unlockStake` works; undefined while the task is still open */
  releaseAt: bigint | undefined
}

/**
 * The tasks `account` joined (its `ProviderJoined` events from `fromBlock` on, default the deployment block) whose
 * stake is still locked, with when each lock can be released.
 */
export async function readStakeLocks (ctx: ReadContext, params: { account: Address, fromBlock?: BlockNumber }): Promise<StakeLock[]> {
  return await asAction('readStakeLocks', async () => {
    const joined = await ctx.publicClient.getContractEvents({
      address: ctx.contracts.TaskManager, abi: TaskManagerAbi, eventName: 'ProviderJoined',
      args: { provider: params.account }, fromBlock: logsFrom(ctx, params.fromBlock), toBlock: 'latest', strict: true
    })
    const locks = await Promise.all(joined.map(async ({ args: { taskId } }): Promise<StakeLock | undefined> => {
      const amount = await readTaskLock(ctx, { taskId, account: params.account })
      if (amount === 0n) return undefined
      const task = await readTask(ctx, { taskId })
      const closed = task.status === 'Completed' || task.status === 'Cancelled'
      return { taskId, amount, releaseAt: closed ? task.closedAt + BigInt(task.challengeWindow) : undefined }
    }))
    return locks.filter((lock) => lock !== undefined)
  })
}
