/** Joining a task, moving it forward (start a round, decide a shard, advance), and claiming at the end. */
import type { ShardView } from '../core/duties.ts'
import type { ProviderContext } from './context.ts'

/** Stakes what the task asks (from the faucet on a test network if told to), then joins. */
export async function join (ctx: ProviderContext): Promise<boolean> {
  const { chain, taskId, stake } = ctx.deps
  await ctx.step({ phase: 'joining' })
  const task = await chain.readTask(taskId)
  const required = BigInt(task.minStake)
  const { staked } = await chain.readStake()
  if (staked < required) {
    const amount = stake.amount ?? required - staked
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

/** `advance`: starts round 0 after joining, the next round after a version, or completes the task. */
export async function advance (ctx: ProviderContext, round?: number): Promise<boolean> {
  await ctx.step(round === undefined ? { phase: 'advancing', detail: 'the joining window is over: starting round 0' } : { phase: 'advancing', round })
  return await ctx.quietly('advancing', async () => {
    const outcome = await ctx.timed(ctx.deps.chain.advance(ctx.deps.taskId))
    ctx.action({ name: 'advance', ...(round === undefined ? {} : { round }), detail: outcome.kind })
  }, round === undefined ? {} : { round })
}

export async function finalizeShard (ctx: ProviderContext, round: number, shard: ShardView): Promise<boolean> {
  await ctx.step({ phase: 'finalizing', round, shard: shard.shard })
  return await ctx.quietly('finalizing', async () => {
    const { outcome } = await ctx.timed(ctx.deps.chain.finalizeShard(ctx.deps.taskId, round, shard.shard))
    ctx.action({ name: 'finalizeShard', round, shard: shard.shard, detail: outcome.kind })
  }, { round, shard: shard.shard })
}

export async function claim (ctx: ProviderContext): Promise<boolean> {
  await ctx.step({ phase: 'claiming' })
  const amount = await ctx.timed(ctx.deps.chain.claim())
  ctx.action({ name: 'claim', detail: amount.toString() })
  return true
}
