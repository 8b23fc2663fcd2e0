/**
 * Reads what the duties depend on into a `ProviderView`: the task, its current round, and (once
 * every shard is decided) the accepted shards and the proposals for the round's version, next to
 * what this provider saved. Reads only what the task's stage needs.
 */
import { isAddressEqual, type Address } from 'viem'
import type { Membership } from '../chain/actions/index.ts'
import { sameVersion, type ProposalView, type ProviderView } from '../core/duties.ts'
import { stakeReleaseAt } from '../core/stakeRelease.ts'
import { resultKey, type ProviderContext } from './context.ts'
import { aggregatorContent } from './version.ts'

/** When this provider first saw each thing it may later step in for (milliseconds of its clock). */
export class Patience {
  private readonly seen = new Map<string, number>()

  constructor (private readonly clock: { now: () => number }, private readonly waitMs: number) {}

  /** Starts the wait for `what` (once) and says whether it is over; `turn` k waits a quarter of the wait longer per step. */
  over (what: string, turn = 0): boolean {
    const now = this.clock.now()
    if (!this.seen.has(what)) this.seen.set(what, now)
    return now - (this.seen.get(what) ?? now) > this.waitMs * (1 + turn / 4)
  }
}

const byAddress = (a: Address, b: Address): number => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)

/**
 * When a late aggregator's turn passes, the other winners stand in one after another in the
 * winners' order (the second winner first), and everyone else after them: one of them proposes
 * and the rest see its proposal, rather than each sending the same version.
 */
export function standInTurn (winners: readonly Address[] | undefined, me: Address): number {
  const rank = winners?.findIndex((w) => isAddressEqual(w, me)) ?? -1
  if (rank < 0) return winners?.length ?? 0
  return Math.max(0, rank - 1)
}

/** Reads this account's membership of the task, keeping whether it holds a place as of `status`. */
async function readPlace (ctx: ProviderContext, status: string): Promise<Membership> {
  const membership = await ctx.deps.chain.membership(ctx.deps.taskId)
  if (membership !== 'none') ctx.place = { status, placed: membership === 'provider' }
  return membership
}

/**
 * Whether the draw among applicants left this provider without a place, read from the chain once
 * after the task closed unless a read since the draw (made while the task ran) already says: a
 * closed task's membership no longer changes, and its challenge window is many ticks long.
 */
async function applicantOnceClosed (ctx: ProviderContext, status: string): Promise<boolean> {
  if (ctx.place === undefined || ctx.place.status === 'Joining') await readPlace(ctx, status)
  return ctx.place?.placed === false
}

/** `pausedFor`: why the volunteer's controls pause this device now, absent while they allow work. */
export async function observe (ctx: ProviderContext, patience: Patience, pausedFor?: string): Promise<ProviderView> {
  const { chain, taskId } = ctx.deps
  const state = ctx.state
  const task = await chain.readTask(taskId)
  ctx.onChain = { shards: Number(task.shards), modelId: BigInt(task.modelId), confirmations: Number(task.confirmations) }
  const base = {
    me: ctx.account,
    ...(pausedFor === undefined ? {} : { pausedFor }),
    task: { status: task.status, joinDeadline: task.joinDeadline, shards: Number(task.shards), confirmations: Number(task.confirmations), aggregateWindow: BigInt(task.aggregateWindow), challengeWindow: BigInt(task.challengeWindow) },
    result: () => undefined,
    patience: { joinWaitOver: false, aggregatorWaitOver: false, proposalWaitOver: () => false }
  }
  if (task.status === 'Completed' || task.status === 'Cancelled') {
    const claimable = task.status === 'Completed' && ctx.deps.claimOnComplete ? await chain.readClaimable() : undefined
    const now = await chain.now()
    // Unlocked here when the task closed while this provider still ran it; joining another task
    // frees the ended tasks' stakes as well.
    const releaseAt = state.joined && await chain.readTaskLock(taskId) > 0n ? stakeReleaseAt(task, await applicantOnceClosed(ctx, task.status)) : undefined
    const unlockable = releaseAt !== undefined && now >= releaseAt
    return { ...base, now, joined: state.joined, unlockable, ...(claimable === undefined ? {} : { claimable }) }
  }
  // Joined once every place was taken, it applied: read once while joining and once running, the
  // draw among applicants being all that changes it (and every tick until it joined).
  if (!state.joined || ctx.place?.status !== task.status) {
    const membership = await readPlace(ctx, task.status)
    if (!state.joined && membership !== 'none') {
      state.joined = true
      await ctx.save()
    }
  }
  if (state.joined && ctx.place?.placed === false) {
    const now = await chain.now()
    if (task.status === 'Joining') {
      // Placed providers start the draw; should none of them, an applicant does, a turn later.
      const joinWaitOver = now >= task.joinDeadline && patience.over('join', 2)
      return { ...base, now, joined: true, applicant: true, patience: { ...base.patience, joinWaitOver } }
    }
    // left without a place: its stake comes back at once
    return { ...base, now, joined: true, applicant: true, unlockable: await chain.readTaskLock(taskId) > 0n }
  }
  const now = await chain.now()
  // Read once, then known from this provider's own steps, except while paused (another device of
  // the account may step for it); not joined, it cannot be away.
  if (state.joined && (ctx.away === undefined || pausedFor !== undefined)) ctx.away = await chain.isAway(taskId)
  const presence = state.joined && ctx.away !== undefined ? { away: ctx.away } : {}
  if (task.status !== 'Running') {
    const overDue = state.joined && now >= task.joinDeadline
    const firstProvider = overDue ? (await chain.readProviders(taskId)).sort(byAddress)[0] : undefined
    return {
      ...base, ...presence, now, joined: state.joined,
      ...(firstProvider === undefined ? {} : { firstProvider }),
      patience: { ...base.patience, joinWaitOver: overDue && patience.over('join') }
    }
  }

  const round = await chain.readRound(taskId, task.currentRound)
  const r = round.round
  const view: ProviderView = {
    ...base,
    ...presence,
    now,
    joined: state.joined,
    round,
    result: (shard, attempt) => state.results[resultKey(r, shard, attempt)],
    version: state.versions[String(r)]
  }
  if (round.decidedShards !== Number(task.shards)) return view

  const aggregatorWaitOver = patience.over(`decided/${r}`, standInTurn(view.version?.winners, ctx.account))
  view.patience = { ...base.patience, aggregatorWaitOver, proposalWaitOver: (id) => patience.over(`proposal/${id}`) }
  if (round.versionId !== 0n) return view
  view.acceptedShards = (await chain.readAccepted(taskId, r)).length
  const own = view.version
  if (view.acceptedShards === 0 || own === undefined) return view
  if (ctx.deps.endorsements !== undefined && own.endorsed !== true && own.proposed === undefined) {
    view.aggregatorEndorsed = await aggregatorContent(ctx, r) !== undefined
  }
  view.proposals = await Promise.all((await chain.readProposals(taskId, r)).map(async (p): Promise<ProposalView> => {
    const version = await chain.readVersion(p.versionId)
    // Only a proposal this provider would confirm needs its confirmation looked up.
    const candidate = !isAddressEqual(p.aggregator, ctx.account) && version.status === 'Proposed' &&
      sameVersion(version, own) && !own.confirmed.includes(p.versionId.toString())
    return {
      versionId: p.versionId,
      aggregator: p.aggregator,
      status: version.status,
      commitHash: version.commitHash,
      modelCid: version.modelCid,
      dataHash: version.dataHash,
      parent: version.parent,
      challengeDeadline: version.challengeDeadline,
      confirmedByMe: candidate && await chain.hasConfirmed(p.versionId)
    }
  }))
  return view
}
