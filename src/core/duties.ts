/**
 * What a provider must do now, decided from what it sees: the task and its current round on chain,
 * the proposals for the round's version, and what this provider saved (its results and its own
 * recomputation of the version). Pure: no chain, no clock, no storage; the provider loop reads the
 * view, asks `duties`, and runs a handler for each duty in order.
 *
 * Who acts when several could: the lowest-addressed provider starts round 0; the last replica to
 * reveal a shard decides it in its reveal, and the lowest-addressed provider finalizes a fully
 * revealed shard left open (two replicas that revealed at once); the round's first winner (lowest
 * address) proposes, and its version, once final, ends the round on chain; the other
 * winners sign its version off chain when its signed content reaches them (endorse), and the first
 * of them whose signature the proposal lacks confirm on chain, as many as the contract needs (the task's `confirmations`, and at least
 * enough that the aggregator and its confirmers are a majority of the winners). Everyone else steps in only once the loop says its
 * patience ran out (`patience`), so a handful of providers do not race for one transaction.
 */
import type { Address, Hex } from 'viem'
import { fullMask, hasBit } from './bitmask.ts'
import { requiredSigners } from './version/signers.ts'
import { hasQuietWindow } from './version/quietWindow.ts'

/**
 * Shards decided in one `finalize` transaction at most: at 8 replicas and 64-entry fingerprints a
 * shard's decision costs about 300k gas, so 16 stay far under a transaction's gas cap (16.7M since
 * EIP-7825) while sharing its base cost.
 */
export const FINALIZE_BATCH = 16

export type TaskStatus = 'None' | 'Joining' | 'Running' | 'Completed' | 'Cancelled'
export type ShardStatus = 'Open' | 'Accepted' | 'Failed' | 'Disputed'
export type VersionStatus = 'None' | 'Proposed' | 'Final' | 'Challenged' | 'Rejected'

export interface ShardView {
  shard: number
  attempt: number
  status: ShardStatus
  /** the provider of each replica slot */
  providers: readonly Address[]
  /** chain seconds */
  commitDeadline: bigint
  revealDeadline: bigint
  /** a split waits for the referee until then; then anyone re-queues it */
  refereeDeadline: bigint
  committedMask: number
  revealedMask: number
}

export interface RoundView {
  round: number
  shards: readonly ShardView[]
  decidedShards: number
  /** chain seconds when the last shard was decided */
  decidedAt: bigint
  /** the round's final version, 0n until there is one */
  versionId: bigint
}

/** A proposed version of the round, as the registry holds it. */
export interface ProposalView {
  versionId: bigint
  aggregator: Address
  status: VersionStatus
  commitHash: Hex
  modelCid: Hex
  dataHash: Hex
  parent: bigint
  challengeDeadline: bigint
  /** this provider's confirmation is on chain */
  confirmedByMe: boolean
}

/** What this provider computed for the round's version, and what it did about it (persisted). */
export interface OwnVersion {
  commitHash: Hex
  modelCid: Hex
  dataHash: Hex
  /** decimal version id */
  parent: string
  /** the round's winners, sorted as checksummed address strings (the first aggregates) */
  winners: readonly Address[]
  /** this winner published its endorsement of the aggregator's version */
  endorsed?: boolean
  proposed?: string
  confirmed: readonly string[]
  mismatched: readonly string[]
  challenged?: readonly string[]
}

export interface ProviderView {
  me: Address
  /** chain seconds of the latest block */
  now: bigint
  task: {
    status: TaskStatus
    joinDeadline: bigint
    shards: number
    confirmations: number
    aggregateWindow: bigint
    challengeWindow: bigint
  }
  /** this provider joined the task (on chain, or saved) */
  joined: boolean
  /**
   * joined once every place was taken, it holds none: it waits for the draw among applicants as
   * round 0 starts, or the draw left it out
   */
  applicant?: boolean
  /** the volunteer's controls pause this device now: why (absent while they allow work) */
  pausedFor?: string
  /** this provider has stepped away from the task's draws (read while joining or running) */
  away?: boolean
  /** the task's lowest-addressed provider, while joining */
  firstProvider?: Address
  /** the current round, while running */
  round?: RoundView
  /** this provider's saved result for a shard attempt, if it trained one */
  result: (shard: number, attempt: number) => { committed: boolean, revealed: boolean } | undefined
  /** accepted shards of the decided round (read once every shard is decided) */
  acceptedShards?: number
  version?: OwnVersion
  /** the aggregator's endorsement (gossip) matches this provider's recomputation */
  aggregatorEndorsed?: boolean
  proposals?: readonly ProposalView[]
  /** rewards to claim once the task completed (read only when the provider claims on completion) */
  claimable?: bigint
  /** the task ended, its challenge window passed, and this provider's stake for it is still locked */
  unlockable?: boolean
  /** waits the loop timed out: others get to act in place of the provider whose turn it was */
  patience: {
    joinWaitOver: boolean
    aggregatorWaitOver: boolean
    proposalWaitOver: (versionId: bigint) => boolean
  }
}

/** One of this provider's replica slots in a shard of the round. */
export interface ShardSlot {
  shard: ShardView
  replica: number
}

export type Duty =
  | { kind: 'join' }
  /** paused: leave the task's later draws (the running round's shards are still done) */
  | { kind: 'stepAway', reason: string }
  /** allowed again after a pause: be drawn again from the next round */
  | { kind: 'stepBack' }
  | { kind: 'startRound' }
  | { kind: 'train', shard: ShardView, replica: number }
  /** every result listed, in one transaction */
  | { kind: 'commit', results: readonly ShardSlot[] }
  /** every result listed, in one transaction; the last replica to reveal a shard decides it there */
  | { kind: 'reveal', results: readonly ShardSlot[] }
  /** committed, but the salt this reveal needs was not saved */
  | { kind: 'lostResult', shard: ShardView }
  /** shards no reveal decided, all in one transaction */
  | { kind: 'finalizeShards', shards: readonly ShardView[] }
  | { kind: 'aggregate' }
  | { kind: 'propose' }
  /** sign the aggregator's version off chain, so its proposal carries this signature */
  | { kind: 'endorse' }
  | { kind: 'confirm', proposal: ProposalView }
  /** confirmed on chain already (e.g. before a reload): only the record is missing */
  | { kind: 'recordConfirmation', proposal: ProposalView }
  | { kind: 'challenge', proposal: ProposalView }
  | { kind: 'finalizeVersion', proposal: ProposalView }
  | { kind: 'advance' }
  | { kind: 'claim' }
  | { kind: 'unlock' }
  | { kind: 'wait', detail: string, shard?: number }
  /** nothing of the task's is owed now, and the volunteer's controls pause this device */
  | { kind: 'paused', detail: string }
  | { kind: 'done', outcome: 'completed' | 'cancelled' | 'not-joined' | 'not-drawn' }

export interface Decision {
  duties: Duty[]
  /** the earliest chain time at which waiting may end without any event (a window closing) */
  wakeAt?: bigint
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
const byAddress = (a: Address, b: Address): number => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0)

export function duties (view: ProviderView): Decision {
  const { task } = view
  if (task.status === 'Cancelled' || task.status === 'Completed') {
    const claim: Duty[] = view.claimable !== undefined && view.claimable > 0n ? [{ kind: 'claim' }] : []
    const unlock: Duty[] = view.unlockable === true ? [{ kind: 'unlock' }] : []
    return { duties: [...claim, ...unlock, { kind: 'done', outcome: task.status === 'Completed' ? 'completed' : 'cancelled' }] }
  }
  if (view.applicant === true && task.status !== 'Joining') {
    return { duties: [...(view.unlockable === true ? [{ kind: 'unlock' } as const] : []), { kind: 'done', outcome: 'not-drawn' }] }
  }
  const out: Duty[] = []
  // A step away or back goes first: it must land before the next round starts to count for it.
  const presence: Duty[] = []
  if (!view.joined) {
    if (task.status !== 'Joining') return { duties: [{ kind: 'done', outcome: 'not-joined' }] }
    if (view.pausedFor !== undefined) return { duties: [{ kind: 'paused', detail: view.pausedFor }] }
    out.push({ kind: 'join' })
  } else if (view.applicant === true) {
    // an applicant holds no place to step away from: it waits for the draw
  } else if (view.pausedFor !== undefined && view.away === false) {
    presence.push({ kind: 'stepAway', reason: view.pausedFor })
  } else if (view.pausedFor === undefined && view.away === true) {
    presence.push({ kind: 'stepBack' })
  }
  const decision = roundDuties(view, out)
  decision.duties.unshift(...presence)
  // Paused, what is owed still runs; the page says why nothing new starts.
  if (view.pausedFor !== undefined) decision.duties.push({ kind: 'paused', detail: view.pausedFor })
  return decision
}

function roundDuties (view: ProviderView, out: Duty[]): Decision {
  const { task, now } = view
  if (task.status === 'Joining') {
    if (now < task.joinDeadline) {
      return { duties: [...out, { kind: 'wait', detail: `joined; round 0 starts after the joining window (chain time ${task.joinDeadline})` }], wakeAt: task.joinDeadline }
    }
    const mine = view.firstProvider !== undefined && same(view.firstProvider, view.me)
    out.push(mine || view.patience.joinWaitOver ? { kind: 'startRound' } : { kind: 'wait', detail: 'the joining window is over: waiting for round 0 to start' })
    return { duties: out }
  }
  const round = view.round
  if (round === undefined) return { duties: out }
  let wakeAt: bigint | undefined
  const wakeBy = (t: bigint): void => { if (t > now && (wakeAt === undefined || t < wakeAt)) wakeAt = t }

  const finalizer = round.shards.flatMap((s) => s.providers).sort(byAddress)[0]
  const iFinalize = finalizer !== undefined && same(finalizer, view.me)
  let drawn = false
  let undrawn = false
  const own = new OwnWork()
  const finalize: ShardView[] = []
  for (const shard of round.shards) {
    if (shard.status === 'Disputed') {
      if (shard.providers.some((p) => same(p, view.me))) drawn = true
      wakeBy(shard.refereeDeadline)
      if (now >= shard.refereeDeadline) finalize.push(shard)
      else out.push({ kind: 'wait', shard: shard.shard, detail: 'the replicas split: waiting for the referee' })
      continue
    }
    if (shard.status !== 'Open') continue
    // Nobody is drawn until the block after the round's (or re-run's) start is mined.
    if (shard.providers.length === 0) {
      undrawn = true
      continue
    }
    const replica = shard.providers.findIndex((p) => same(p, view.me))
    if (replica >= 0) {
      drawn = true
      own.add(view, shard, replica)
      wakeBy(shard.commitDeadline)
    }
    wakeBy(shard.revealDeadline)
    if ((iFinalize && shard.revealedMask === fullMask(shard.providers.length)) || now >= shard.revealDeadline) {
      finalize.push(shard)
    }
  }
  for (let i = 0; i < finalize.length; i += FINALIZE_BATCH) out.push({ kind: 'finalizeShards', shards: finalize.slice(i, i + FINALIZE_BATCH) })
  out.unshift(...own.duties())
  if (undrawn) {
    out.push({ kind: 'wait', detail: 'the draw waits for the next block' })
    wakeBy(now + 1n)
  }
  if (round.decidedShards === task.shards) {
    const version = versionDuties(view, round)
    out.push(...version.duties)
    if (version.wakeAt !== undefined) wakeBy(version.wakeAt)
  } else if (!drawn && !undrawn) {
    out.push({ kind: 'wait', detail: 'not drawn for a shard of this round: waiting for the next' })
  }
  return wakeAt === undefined ? { duties: out } : { duties: out, wakeAt }
}

/**
 * This provider's own results of the round, batched: one reveal transaction for every result
 * ready to reveal, then the training, then one commit transaction for every result trained (a
 * result saved before this tick, e.g. before a reload, commits first, so a training that fails
 * cannot hold it back).
 */
class OwnWork {
  private readonly reveals: ShardSlot[] = []
  private readonly saved: ShardSlot[] = []
  private readonly trains: Duty[] = []
  private readonly trained: ShardSlot[] = []
  private readonly other: Duty[] = []

  add (view: ProviderView, shard: ShardView, replica: number): void {
    const slot = { shard, replica }
    const saved = view.result(shard.shard, shard.attempt)
    if (!hasBit(shard.committedMask, replica)) {
      if (view.now >= shard.commitDeadline) this.other.push({ kind: 'wait', shard: shard.shard, detail: 'the commit window closed before this result was ready' })
      else if (saved !== undefined) this.saved.push(slot)
      else {
        this.trains.push({ kind: 'train', shard, replica })
        this.trained.push(slot)
      }
      return
    }
    if (hasBit(shard.revealedMask, replica)) {
      this.other.push({ kind: 'wait', shard: shard.shard, detail: 'revealed; waiting for the shard to be decided' })
      return
    }
    if (saved === undefined) this.other.push({ kind: 'lostResult', shard })
    else if (view.now >= shard.revealDeadline) {
      // the chain refuses it now: sent each tick it would fail until someone finalizes the shard
      this.other.push({ kind: 'wait', shard: shard.shard, detail: 'the reveal window closed before this result was revealed' })
    } else if (shard.committedMask !== fullMask(shard.providers.length) && view.now < shard.commitDeadline) {
      this.other.push({ kind: 'wait', shard: shard.shard, detail: 'committed; the reveal opens when every replica committed or the commit window ends' })
    } else this.reveals.push(slot)
  }

  duties (): Duty[] {
    const batch = (kind: 'commit' | 'reveal', results: ShardSlot[]): Duty[] => results.length === 0 ? [] : [{ kind, results }]
    return [...batch('reveal', this.reveals), ...batch('commit', this.saved), ...this.trains, ...batch('commit', this.trained), ...this.other]
  }
}

function versionDuties (view: ProviderView, round: RoundView): Decision {
  const { me, now, version, patience } = view
  // A final version ends its round on chain in the same transaction: this view is just behind.
  if (round.versionId !== 0n) return { duties: [{ kind: 'wait', detail: `version ${round.versionId} is final; the next round is starting` }] }
  if (view.acceptedShards === 0) {
    // Every shard failed: no version this round; the task moves on after the aggregation window.
    const open = round.decidedAt + view.task.aggregateWindow
    if (now >= open) return { duties: [advanceOrWait(view, 'waiting for the next round')] }
    return { duties: [{ kind: 'wait', detail: 'no shard was accepted: waiting out the aggregation window' }], wakeAt: open }
  }
  if (version === undefined) return { duties: [{ kind: 'aggregate' }] }

  const out: Duty[] = []
  const proposals = view.proposals ?? []
  const matches = (p: ProposalView): boolean => sameVersion(p, version)
  // Someone already proposed what this provider computed: confirm it rather than propose again.
  const matching = proposals.some((p) => matches(p) && (p.status === 'Proposed' || p.status === 'Final'))
  const aggregator = version.winners[0]
  // Only the round's winners may propose: the first, or any once its turn has passed.
  const winner = version.winners.some((w) => same(w, me))
  const myTurn = winner && ((aggregator !== undefined && same(aggregator, me)) || patience.aggregatorWaitOver)
  // One proposal per aggregator and round: one of ours on chain (sent before a reload, say) is the one.
  const proposedByMe = proposals.some((p) => same(p.aggregator, me))
  const propose = version.proposed === undefined && !matching && !proposedByMe && myTurn
  if (propose) out.push({ kind: 'propose' })
  if (winner && !propose && proposals.length === 0 && version.endorsed !== true && view.aggregatorEndorsed === true &&
    aggregator !== undefined && !same(aggregator, me)) {
    out.push({ kind: 'endorse' })
  }

  for (const proposal of proposals) {
    const id = proposal.versionId.toString()
    if (same(proposal.aggregator, me) || version.confirmed.includes(id) || version.mismatched.includes(id)) continue
    if (proposal.status !== 'Proposed') continue
    if (!matches(proposal) || proposal.parent.toString() !== version.parent) {
      out.push({ kind: 'challenge', proposal })
      continue
    }
    if (proposal.confirmedByMe) {
      out.push({ kind: 'recordConfirmation', proposal })
      continue
    }
    // Only winners may confirm, and the aggregator plus its confirmers must be a majority of them.
    const confirmers = version.winners.filter((w) => !same(w, proposal.aggregator))
    const rank = confirmers.findIndex((w) => same(w, me))
    const needed = requiredSigners(view.task.confirmations, version.winners.length) - 1
    if (rank >= 0 && (patience.proposalWaitOver(proposal.versionId) || rank < needed)) out.push({ kind: 'confirm', proposal })
  }
  // A proposal nobody confirmed becomes final once its challenge window passes; anyone may finalize it.
  let wakeAt: bigint | undefined
  for (const proposal of proposals) {
    if (proposal.status !== 'Proposed' || !matches(proposal) || !hasQuietWindow(proposal.challengeDeadline)) continue
    if (now >= proposal.challengeDeadline) out.push({ kind: 'finalizeVersion', proposal })
    else if (wakeAt === undefined || proposal.challengeDeadline < wakeAt) wakeAt = proposal.challengeDeadline
  }
  // Past the longest a version may hold the round (two challenge windows after the aggregation
  // window), no version of this round can become final but by `advance`, which makes a quiet one
  // final first: otherwise a round whose only proposals lapsed or were rejected waits for a stranger.
  if (now >= round.decidedAt + view.task.aggregateWindow + 2n * view.task.challengeWindow) out.push(advanceOrWait(view, 'waiting for the next round'))
  if (proposals.length === 0 && version.proposed === undefined && !propose) {
    out.push({ kind: 'wait', detail: `recomputed the version (${version.commitHash.slice(0, 10)}…); waiting for the aggregator ${aggregator ?? ''}` })
  } else if (out.length === 0) {
    // Said, not only slept on: the step shown (and the one a simulator waits on) is otherwise the last thing done, e.g. 'proposing'.
    // A stable detail: a step that changes is saved and sent again at every tick.
    out.push({ kind: 'wait', detail: wakeAt === undefined ? 'waiting for the round\'s version to be confirmed' : 'waiting for the round\'s version: a proposal nobody challenges becomes final when its challenge window closes' })
  }
  return wakeAt === undefined ? { duties: out } : { duties: out, wakeAt }
}

/**
 * Whether a proposal is the version this provider computed. The commit hash alone is not enough:
 * it says nothing of the blob behind the model CID (the registry cannot check that), so a proposal
 * with the right hash and other bytes would become a head nobody can train from. The delta root
 * the registry checks itself.
 */
export function sameVersion (p: Pick<ProposalView, 'commitHash' | 'modelCid' | 'dataHash'>, own: Pick<OwnVersion, 'commitHash' | 'modelCid' | 'dataHash'>): boolean {
  return same(p.commitHash, own.commitHash) && same(p.modelCid, own.modelCid) && same(p.dataHash, own.dataHash)
}

/** The round's first winner advances at once; the others once the aggregator's turn has passed. */
function advanceOrWait (view: ProviderView, detail: string): Duty {
  const aggregator = view.version?.winners[0]
  if (aggregator !== undefined && !same(aggregator, view.me) && !view.patience.aggregatorWaitOver) return { kind: 'wait', detail }
  return { kind: 'advance' }
}
