/**
 * The volunteer's pause on chain: while the controls pause this device, the provider steps away
 * from the task's draws (from the next round on, at no cost), and steps back once they allow it
 * again. The running round's shards were drawn before the step and are still trained, committed
 * and revealed, so a pause never leaves a drawn shard to be missed.
 */
import type { ProviderContext } from './context.ts'

export async function stepAway (ctx: ProviderContext, reason: string): Promise<boolean> {
  await ctx.step({ phase: 'paused', detail: `${reason}: stepping away from the next rounds` })
  return await present(ctx, 'stepAway', true)
}

export async function stepBack (ctx: ProviderContext): Promise<boolean> {
  await ctx.step({ phase: 'waiting', detail: 'stepping back into the next rounds' })
  return await present(ctx, 'stepBack', false)
}

async function present (ctx: ProviderContext, name: 'stepAway' | 'stepBack', away: boolean): Promise<boolean> {
  // Unknown until the transaction lands: a failed one (or a race with another device of this
  // account) is read back from the chain at the next tick.
  ctx.away = undefined
  return await ctx.quietly('paused', async () => {
    const fromRound = await ctx.timed(ctx.deps.chain[name](ctx.deps.taskId))
    ctx.away = away
    ctx.action({ name, round: fromRound, detail: `from round ${fromRound}` })
  })
}
