/**
 * Reads started ahead of the duty that needs them, while the loop would otherwise only wait on
 * the chain (ProviderLoopOptions.pipeline): the round's model while the draw waits for its block
 * (training reads it next), and the sealed deltas that other replicas revealed while their shards
 * wait to be decided (the aggregation reads them next). Reads only: nothing is sent, published or
 * signed earlier than before, so the commit-reveal order stands as it was; a read that fails is
 * left to the duty, which reads again and reports.
 */
import type { ProviderView } from '../core/duties.ts'
import type { ProviderContext } from './context.ts'

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()

export class Prefetcher {
  /** what was started in `round`, so each read starts once */
  private started = new Set<string>()
  private round = -1

  constructor (private readonly ctx: ProviderContext) {}

  /** Starts what `view` says will be read next; returns at once. */
  ahead (view: ProviderView, signal?: AbortSignal): void {
    const round = view.round
    if (view.task.status !== 'Running' || round === undefined || !view.joined) return
    if (round.round !== this.round) {
      this.round = round.round
      this.started = new Set()
    }
    // Nobody is drawn until the block after the round's start: the model to train from is known already.
    if (round.shards.some((s) => s.status === 'Open' && s.providers.length === 0) && this.once('model')) {
      this.model(signal).catch(() => {})
    }
    // A drawn provider is likely a winner, and every winner recomputes the round from all winners' deltas.
    if (!round.shards.some((s) => s.providers.some((p) => same(p, view.me)))) return
    for (const shard of round.shards) {
      if (shard.status !== 'Open' || shard.revealedMask === 0) continue
      if (!this.once(`deltas/${shard.shard}/${shard.attempt}/${shard.revealedMask}`)) continue
      this.deltas(round.round, shard.shard, shard.attempt, view.me, signal).catch(() => {})
    }
  }

  private once (key: string): boolean {
    if (this.started.has(key)) return false
    this.started.add(key)
    return true
  }

  private async model (signal?: AbortSignal): Promise<void> {
    const { chain } = this.ctx.deps
    await this.ctx.modelOf(await chain.readModelHead(this.ctx.onChain.modelId), signal)
  }

  private async deltas (round: number, shard: number, attempt: number, me: string, signal?: AbortSignal): Promise<void> {
    const { chain, taskId } = this.ctx.deps
    for (const reveal of await chain.readRevealed(taskId, round, shard, attempt)) {
      if (!same(reveal.provider, me)) this.ctx.prefetchDelta(reveal.sealedCid, signal)
    }
  }
}
