import type { Address, BlockNumber } from 'viem'
import { stakeReleaseAt } from '../../core/stakeRelease.ts'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readMembership } from './readMembership.ts'
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
 * The tasks `account` joined or applied to (its `ProviderJoined` and `ProviderApplied` events from
 * `fromBlock` on, default the deployment block) whose stake is still locked, with when each lock can
 * be released: at once for one the draw among applicants left without a place.
 */
export async function readStakeLocks (ctx: ReadContext, params: { account: Address, fromBlock?: BlockNumber }): Promise<StakeLock[]> {
  return await asAction('readStakeLocks', async () => {
    const events = { address: ctx.contracts.TaskManager, abi: TaskManagerAbi, args: { provider: params.account }, fromBlock: logsFrom(ctx, params.fromBlock), toBlock: 'latest', strict: true } as const
    const [joined, applied] = await Promise.all([
      ctx.publicClient.getContractEvents({ ...events, eventName: 'ProviderJoined' }),
      ctx.publicClient.getContractEvents({ ...events, eventName: 'ProviderApplied' })
    ])
    // a provider the draw left out moved from its place to the applicants: one lock, one entry
    const taskIds = [...new Set([...joined, ...applied].map(({ args: { taskId } }) => taskId))]
    const locks = await Promise.all(taskIds.map(async (taskId): Promise<StakeLock | undefined> => {
      const amount = await readTaskLock(ctx, { taskId, account: params.account })
      if (amount === 0n) return undefined
      const task = await readTask(ctx, { taskId })
      // only the draw among applicants, which happens as the task leaves Joining, makes one
      const applicant = task.status !== 'Joining' && await readMembership(ctx, { taskId, account: params.account }) === 'applicant'
      return { taskId, amount, releaseAt: stakeReleaseAt(task, applicant) }
    }))
    return locks.filter((lock) => lock !== undefined)
  })
}
