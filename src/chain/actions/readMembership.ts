import type { Address } from 'viem'
import { TaskManagerAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { MULTICALL } from './multicall.ts'
import type { ReadContext } from './types.ts'

/**
 * How `account` belongs to the task: `provider` holds a place; `applicant` joined once every place
 * was taken and holds none (it waits for the draw after the joining window, or the draw left it
 * out, its stake then free at once); `none` did not join. One request.
 */
export type Membership = 'provider' | 'applicant' | 'none'

export async function readMembership (ctx: ReadContext, params: { taskId: bigint, account: Address }): Promise<Membership> {
  return await asAction('readMembership', async () => {
    const at = { address: ctx.contracts.TaskManager, abi: TaskManagerAbi, args: [params.taskId, params.account] } as const
    const [provider, applicant] = await ctx.publicClient.multicall({
      ...MULTICALL,
      contracts: [{ ...at, functionName: 'isProvider' }, { ...at, functionName: 'isApplicant' }]
    })
    return provider ? 'provider' : applicant ? 'applicant' : 'none'
  })
}
