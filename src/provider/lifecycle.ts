/**
 * Joining a task (locking its stake), moving it forward (start a round, decide a shard, advance),
 * and at the end claiming and unlocking the stake.
 */
import type { ShardView } from '../core/duties.ts'
import { joinLock } from '../core/taskLimits.ts'
import type { ProviderContext } from './context.ts'

/**
 * Joins, which locks the task's stake. Free stake short of that is made up first from the locks of
 * ended tasks, then by staking more (from the faucet on a test network if told to).
 */
export async function join (ctx: ProviderContext): Promise<boolean> {
  const { chain, taskId, stake } = ctx.deps
  await ctx.step({ phase: 'joining' })
  const task = await chain.readTask(taskId)
  const required = joinLock(task)
  const { staked, locked } = await chain.readStake()
  let free = staked - locked
  if (free < required) free += await unlockEnded(ctx)
  if (free < required) {
    const amount = stake.amount ?? required - free
    if (stake.faucet === true) {
      await ctx.timed(chain.faucet())
      ctx.action({ name: 'faucet' })
    }
    await ctx.timed(chain.stake(amount))
    ctx.action({ name: 'stake', detail: amount.toString() })
  }
  await ctx.timed(chain.joinTask(taskId))
  ctx.action({ name: 'joinTask' })
  ctx.state.joined = true
  await ctx.save()
  return true
}

/** Unlocks the stake of every ended task whose challenge window passed; returns the amount freed. */
async function unlockEnded (ctx: ProviderContext): Promise<bigint> {
  const { chain } = ctx.deps
  const [locks, now] = await Promise.all([chain.readStakeLocks(), chain.now()])
  let freed = 0n
  for (const lock of locks) {
    if (lock.releaseAt === undefined || now < lock.releaseAt) continue
    freed += await ctx.timed(chain.unlockStake(lock.taskId))
    ctx.action({ name: 'unlockStake', detail: `task ${lock.taskId}` })
  }
  return freed
}

/** Frees this task's locked stake once it ended and its challenge window passed. */
export async function unlock (ctx: ProviderContext): Promise<boolean> {
  await ctx.step({ phase: 'claiming', detail: 'unlocking the stake' })
  return await ctx.quietly('claiming', async () => {
    const amount = await ctx.timed(ctx.deps.chain.unlockStake(ctx.deps.taskId))
    ctx.action({ name: 'unlockStake', detail: amount.toString() })
  })
}

/** `advance`: starts round 0 after joining, the next round after a version, or completes the task. */
export async function advance (ctx: ProviderContext, round?: number): Promise<boolean> {
  await ctx.step(round === undefined ? { phase: 'advancing', detail: 'the joining window is over: starting round 0' } : { phase: 'advancing', round })
  return await ctx.quietly('advancing', async () => {
    const outcome = await ctx.timed(ctx.deps.chain.advance(ctx.deps.taskId))
    ctx.action({ name: 'advance', ...(round === undefined ? {} : { round }), detail: outcome.kind })
  }, round === undefined ? {} : { round })
}

/**
 * Decides every shard listed in one transaction; one action per shard says how it went. When that
 * transaction is refused (another provider decided one of them first, or one cannot be decided),
 * each is sent alone, so no shard holds up the others.
 */
export async function finalizeShards (ctx: ProviderContext, round: number, shards: readonly ShardView[]): Promise<boolean> {
  const numbers = shards.map((s) => s.shard)
  const send = async (list: readonly number[]): Promise<boolean> => {
    const where = list.length === 1 ? { round, shard: list[0]! } : { round }
    return await ctx.quietly('finalizing', async () => {
      const { outcomes } = await ctx.timed(ctx.deps.chain.finalizeShards(ctx.deps.taskId, round, list))
      outcomes.forEach((outcome, i) => { ctx.action({ name: 'finalizeShard', round, shard: list[i]!, detail: outcome.kind }) })
    }, where)
  }
  await ctx.step({ phase: 'finalizing', round, ...(numbers.length === 1 ? { shard: numbers[0]! } : { detail: `shards ${numbers.join(', ')}` }) })
  if (await send(numbers)) return true
  if (numbers.length === 1) return false
  let any = false
  for (const shard of numbers) any = await send([shard]) || any
  return any
}

export async function claim (ctx: ProviderContext): Promise<boolean> {
  await ctx.step({ phase: 'claiming' })
  const amount = await ctx.timed(ctx.deps.chain.claim())
  ctx.action({ name: 'claim', detail: amount.toString() })
  return true
}
