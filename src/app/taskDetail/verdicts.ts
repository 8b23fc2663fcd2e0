import type { Address } from 'viem'
import type { ShardState } from '../../chain/actions/index.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'

/**
 * What became of one replica slot of a shard attempt:
 * - assigned: drawn, nothing sent yet (attempt still open)
 * - committed / revealed: its result is in, the attempt is not decided yet
 * - winner: revealed and in the accepted cluster (paid)
 * - outvoted: revealed but outside the accepted cluster
 * - unsettled: revealed, but the attempt found no majority (re-queued or failed; neither paid nor penalized),
 *   or the referee has yet to decide it
 * - missed: the attempt was decided without its reveal
 */
export type Verdict = 'assigned' | 'committed' | 'revealed' | 'winner' | 'outvoted' | 'unsettled' | 'missed'

export type AttemptOutcome = 'open' | 'disputed' | 'accepted' | 'requeued' | 'failed'

export interface SlotView {
  replica: number
  /** Undefined for a slot of a past attempt whose provider never committed (no event names it). */
  provider: Address | undefined
  verdict: Verdict
  slashed: boolean
}

export interface AttemptView {
  attempt: number
  outcome: AttemptOutcome
  slots: SlotView[]
}

/** The verifier events that describe shards (the ones `shardAttempts` reads). */
type ShardEvent = Extract<ProtocolEvent, { contract: 'ConsensusVerifier' }>

/**
 * Every attempt of one shard of a round, oldest first, with a verdict per replica slot. The
 * current attempt comes from the verifier's `assignment` (`shard`); earlier attempts, which the
 * verifier no longer lists, are rebuilt from their Committed/Revealed events. Outcomes come from
 * ShardAccepted / ShardRequeued (which names the attempt it opens) / ShardFailed.
 */
export function shardAttempts (
  params: { round: number, shard: ShardState, replication: number, events: readonly ProtocolEvent[] }
): AttemptView[] {
  const { shard } = params
  const events = params.events.filter((event): event is ShardEvent =>
    event.contract === 'ConsensusVerifier' && 'shard' in event.args &&
    event.args.round === BigInt(params.round) && event.args.shard === BigInt(shard.shard))
  const attempts: AttemptView[] = []
  for (let attempt = 0; attempt <= shard.attempt; attempt++) {
    const current = attempt === shard.attempt
    const mine = events.filter((event) => 'attempt' in event.args && event.args.attempt === BigInt(attempt))
    const committed = current ? shard.committedMask : maskOf(mine, 'Committed')
    const revealed = current ? shard.revealedMask : maskOf(mine, 'Revealed')
    const decision = decisionOf(mine, events, attempt)
    const replication = current ? shard.providers.length : replicationOf(events, attempt, params.replication)
    const named = providersByReplica(mine)
    const slots = Array.from({ length: replication }, (_, replica): SlotView => ({
      replica,
      provider: current ? shard.providers[replica] : named.get(replica),
      verdict: verdictOf(bit(committed, replica), bit(revealed, replica), decision, replica),
      slashed: mine.some((event) => event.eventName === 'ResultSlashed' && event.args.replica === BigInt(replica))
    }))
    attempts.push({ attempt, outcome: decision.outcome, slots })
  }
  return attempts
}

interface Decision { outcome: AttemptOutcome, winnersMask: number }

function decisionOf (mine: ShardEvent[], all: ShardEvent[], attempt: number): Decision {
  for (const event of mine) {
    if (event.eventName === 'ShardAccepted') return { outcome: 'accepted', winnersMask: Number(event.args.winnersMask) }
    if (event.eventName === 'ShardFailed') return { outcome: 'failed', winnersMask: 0 }
  }
  const disputed = mine.some((event) => event.eventName === 'ShardDisputed')
  // A re-queue is reported under the attempt it opens.
  const requeued = all.some((event) => event.eventName === 'ShardRequeued' && event.args.attempt === BigInt(attempt + 1))
  return { outcome: requeued ? 'requeued' : disputed ? 'disputed' : 'open', winnersMask: 0 }
}

function verdictOf (committed: boolean, revealed: boolean, decision: Decision, replica: number): Verdict {
  switch (decision.outcome) {
    case 'open':
      return revealed ? 'revealed' : committed ? 'committed' : 'assigned'
    case 'accepted':
      return !revealed ? 'missed' : bit(decision.winnersMask, replica) ? 'winner' : 'outvoted'
    case 'disputed':
    case 'requeued':
    case 'failed':
      return revealed ? 'unsettled' : 'missed'
  }
}

/** Replicas of attempt `attempt`: the task's replication for the first, the re-queue's for later ones. */
function replicationOf (events: ShardEvent[], attempt: number, initial: number): number {
  if (attempt === 0) return initial
  const requeue = events.find((event) => event.eventName === 'ShardRequeued' && event.args.attempt === BigInt(attempt))
  return requeue?.eventName === 'ShardRequeued' ? Number(requeue.args.replication) : initial
}

function maskOf (events: ShardEvent[], name: 'Committed' | 'Revealed'): number {
  let mask = 0
  for (const event of events) {
    if (event.eventName === name) mask |= 1 << Number(event.args.replica)
  }
  return mask
}

function providersByReplica (events: ShardEvent[]): Map<number, Address> {
  const providers = new Map<number, Address>()
  for (const event of events) {
    if (event.eventName === 'Committed') providers.set(Number(event.args.replica), event.args.provider)
  }
  return providers
}

const bit = (mask: number, i: number): boolean => (mask & (1 << i)) !== 0
