import { describe, expect, it } from 'vitest'
import type { Address } from 'viem'
import { duties, FINALIZE_BATCH, type Duty, type OwnVersion, type ProposalView, type ProviderView, type ShardView } from './duties.ts'
import { NO_QUIET_WINDOW } from './version/quietWindow.ts'

const A: Address = '0x000000000000000000000000000000000000000a'
const B: Address = '0x000000000000000000000000000000000000000b'
const C: Address = '0x000000000000000000000000000000000000000c'
const D: Address = '0x000000000000000000000000000000000000000d'
const E: Address = '0x000000000000000000000000000000000000000e'
const HASH = `0x${'11'.repeat(32)}` as const
const OTHER = `0x${'22'.repeat(32)}` as const
const MODEL = '0x01551220aa' as const
const DATA = `0x${'33'.repeat(32)}` as const

const shard = (over: Partial<ShardView> = {}): ShardView => ({
  shard: 0, attempt: 0, status: 'Open', providers: [A, B], commitDeadline: 200n, revealDeadline: 300n, refereeDeadline: 400n, committedMask: 0, revealedMask: 0, ...over
})
const proposal = (over: Partial<ProposalView> = {}): ProposalView => ({
  versionId: 7n, aggregator: A, status: 'Proposed', commitHash: HASH, modelCid: MODEL, dataHash: DATA, parent: 1n, challengeDeadline: 900n, confirmedByMe: false, ...over
})
const patient = { joinWaitOver: false, aggregatorWaitOver: false, proposalWaitOver: () => false }

/** A running task, round 0 with one shard of replicas A and B, seen by `me` at chain time 100. */
function view (over: Partial<ProviderView> = {}): ProviderView {
  return {
    me: A,
    now: 100n,
    task: { status: 'Running', joinDeadline: 50n, shards: 1, confirmations: 1, aggregateWindow: 600n, challengeWindow: 600n },
    joined: true,
    round: { round: 0, shards: [shard()], decidedShards: 0, decidedAt: 0n, versionId: 0n },
    result: () => undefined,
    patience: patient,
    ...over
  }
}
const saved = { committed: false, revealed: false }
const decided = (over: Partial<ProviderView> = {}): ProviderView => view({
  round: { round: 0, shards: [shard({ status: 'Accepted' })], decidedShards: 1, decidedAt: 150n, versionId: 0n },
  acceptedShards: 1,
  ...over
})
const own: OwnVersion = { commitHash: HASH, modelCid: MODEL, dataHash: DATA, parent: '1', winners: [A, B], confirmed: [], mismatched: [] }
const kinds = (ds: Duty[]): string[] => ds.map((d) => d.kind)

describe('duties', () => {
  const table: Array<[string, ProviderView, string[]]> = [
    ['a cancelled task is done', view({ task: { ...view().task, status: 'Cancelled' } }), ['done']],
    ['a completed task is done; claims first when something is owed', view({ task: { ...view().task, status: 'Completed' }, claimable: 5n }), ['claim', 'done']],
    ['nothing owed: no claim', view({ task: { ...view().task, status: 'Completed' }, claimable: 0n }), ['done']],
    ['an ended task whose challenge window passed: claim, then unlock the stake', view({ task: { ...view().task, status: 'Completed' }, claimable: 5n, unlockable: true }), ['claim', 'unlock', 'done']],
    ['a cancelled task unlocks the stake too', view({ task: { ...view().task, status: 'Cancelled' }, unlockable: true }), ['unlock', 'done']],
    ['not joined while joining: join, then wait for the window', view({ joined: false, task: { ...view().task, status: 'Joining', joinDeadline: 500n } }), ['join', 'wait']],
    ['not joined once running: too late', view({ joined: false }), ['done']],
    ['paused, not joined: join nothing, say why', view({ joined: false, pausedFor: 'Paused: on battery', task: { ...view().task, status: 'Joining', joinDeadline: 500n } }), ['paused']],
    ['paused while joining: step away from round 0', view({ pausedFor: 'Paused: on battery', away: false, task: { ...view().task, status: 'Joining', joinDeadline: 500n } }), ['stepAway', 'wait', 'paused']],
    ['paused, drawn: step away from the next rounds, still train and commit the drawn shard', view({ pausedFor: 'Paused: on battery', away: false }), ['stepAway', 'train', 'commit', 'paused']],
    ['paused and away: only what is owed', view({ me: C, pausedFor: 'Paused: on battery', away: true }), ['wait', 'paused']],
    ['allowed again while away: step back', view({ me: C, away: true }), ['stepBack', 'wait']],
    ['allowed and present: no step', view({ me: C, away: false }), ['wait']],
    ['an applicant, paused while joining: no place to step away from, it waits for the draw', view({ applicant: true, pausedFor: 'Paused: on battery', task: { ...view().task, status: 'Joining', joinDeadline: 500n } }), ['wait', 'paused']],
    ['an applicant, the window over and round 0 not started by any provider: it starts the draw', view({ applicant: true, task: { ...view().task, status: 'Joining' }, patience: { ...patient, joinWaitOver: true } }), ['startRound']],
    ['an applicant the draw left out: unlock the stake at once, done', view({ applicant: true, unlockable: true }), ['unlock', 'done']],
    ['an applicant left out whose stake is back: done', view({ applicant: true }), ['done']],
    ['joining window over: the lowest provider starts round 0', view({ task: { ...view().task, status: 'Joining' }, firstProvider: A }), ['startRound']],
    ['joining window over: others wait for it', view({ task: { ...view().task, status: 'Joining' }, firstProvider: B }), ['wait']],
    ['…unless their patience ran out', view({ task: { ...view().task, status: 'Joining' }, firstProvider: B, patience: { ...patient, joinWaitOver: true } }), ['startRound']],
    ['drawn, nothing trained: train then commit', view(), ['train', 'commit']],
    ['drawn, trained before a reload: commit', view({ result: () => saved }), ['commit']],
    ['commit window closed before the result was ready', view({ now: 250n }), ['wait']],
    ['committed, the other replica has not, window open: wait', view({ round: { ...view().round!, shards: [shard({ committedMask: 0b01 })] }, result: () => saved }), ['wait']],
    ['every replica committed: reveal at once', view({ round: { ...view().round!, shards: [shard({ committedMask: 0b11 })] }, result: () => saved }), ['reveal']],
    ['reveal window over: a result not revealed waits (the chain refuses it)', view({ me: B, now: 300n, round: { ...view().round!, shards: [shard({ committedMask: 0b11, revealedMask: 0b01 })] }, result: () => saved }), ['wait', 'finalizeShards']],
    ['commit window over: reveal even if the other did not commit', view({ now: 210n, round: { ...view().round!, shards: [shard({ committedMask: 0b01 })] }, result: () => saved }), ['reveal']],
    ['committed but the salt was lost', view({ round: { ...view().round!, shards: [shard({ committedMask: 0b01 })] } }), ['lostResult']],
    ['all revealed: the lowest provider of the round finalizes', view({ round: { ...view().round!, shards: [shard({ committedMask: 0b11, revealedMask: 0b11 })] } }), ['wait', 'finalizeShards']],
    ['all revealed: another replica does not', view({ me: B, round: { ...view().round!, shards: [shard({ committedMask: 0b11, revealedMask: 0b11 })] } }), ['wait']],
    ['reveal window over: anyone finalizes, drawn or not', view({ me: C, now: 300n }), ['finalizeShards', 'wait']],
    ['not drawn, round undecided: wait', view({ me: C }), ['wait']],
    ['a split waits for the referee', view({ now: 350n, round: { ...view().round!, shards: [shard({ status: 'Disputed', committedMask: 0b11, revealedMask: 0b11 })] } }), ['wait']],
    ['a split the referee left alone past its window: anyone re-queues it', view({ me: C, now: 400n, round: { ...view().round!, shards: [shard({ status: 'Disputed', committedMask: 0b11, revealedMask: 0b11 })] } }), ['finalizeShards', 'wait']],
    ['the draw waits for the block after the round started', view({ round: { ...view().round!, shards: [shard({ providers: [] })] } }), ['wait']],
    ['round decided, nothing recomputed: aggregate', decided(), ['aggregate']],
    ['the first winner proposes its recomputation', decided({ version: own }), ['propose']],
    ['another winner waits for the proposal', decided({ me: B, version: own }), ['wait']],
    ['…and proposes itself when the aggregator is late', decided({ me: B, version: own, patience: { ...patient, aggregatorWaitOver: true } }), ['propose']],
    ['a provider that did not win waits, even when the aggregator is late', decided({ me: C, version: own, patience: { ...patient, aggregatorWaitOver: true } }), ['wait']],
    ['a provider that did not win never confirms', decided({ me: C, version: own, proposals: [proposal()], patience: { ...patient, proposalWaitOver: () => true } }), ['wait']],
    ['five winners: the aggregator and two confirmers make the majority, whatever the task asks', decided({ me: C, version: { ...own, winners: [A, B, C, D, E] }, proposals: [proposal()] }), ['confirm']],
    ['…a fourth winner is not needed', decided({ me: D, version: { ...own, winners: [A, B, C, D, E] }, proposals: [proposal()] }), ['wait']],
    ['a matching proposal is confirmed by the first confirmer', decided({ me: B, version: own, proposals: [proposal()] }), ['confirm']],
    ['a winner beyond the confirmations needed waits…', decided({ me: C, version: { ...own, winners: [A, B, C] }, proposals: [proposal()] }), ['wait']],
    ['…until the proposal is late', decided({ me: C, version: { ...own, winners: [A, B, C] }, proposals: [proposal()], patience: { ...patient, proposalWaitOver: () => true } }), ['confirm']],
    ['confirmed on chain but not saved: record it', decided({ me: B, version: own, proposals: [proposal({ confirmedByMe: true })] }), ['recordConfirmation']],
    ['a proposal with another hash is challenged', decided({ me: B, version: own, proposals: [proposal({ commitHash: OTHER })] }), ['challenge']],
    // The commit hash alone does not name the bytes: a model CID whose blob is not the recomputed one would become the head.
    ['a proposal with the computed hash but another model CID is challenged', decided({ me: B, version: own, proposals: [proposal({ modelCid: '0x01551220bb' })] }), ['challenge']],
    ['…and one with another data hash', decided({ me: B, version: own, proposals: [proposal({ dataHash: OTHER })] }), ['challenge']],
    ['…and the aggregator still proposes its own', decided({ version: own, proposals: [proposal({ aggregator: B, modelCid: '0x01551220bb' })] }), ['propose', 'challenge']],
    ['a proposal on another parent is challenged', decided({ me: B, version: own, proposals: [proposal({ parent: 2n })] }), ['challenge']],
    ['a mismatch already handled is not challenged twice', decided({ me: B, version: { ...own, mismatched: ['7'] }, proposals: [proposal({ commitHash: OTHER })] }), ['wait']],
    ['another winner endorses the aggregator\'s signed version off chain', decided({ me: B, version: own, aggregatorEndorsed: true }), ['endorse', 'wait']],
    ['…once', decided({ me: B, version: { ...own, endorsed: true }, aggregatorEndorsed: true }), ['wait']],
    ['…and not once the version is proposed (it confirms on chain instead)', decided({ me: B, version: own, aggregatorEndorsed: true, proposals: [proposal()] }), ['confirm']],
    ['its own proposal is neither confirmed nor challenged', decided({ version: { ...own, proposed: '7' }, proposals: [proposal()] }), ['wait']],
    // A reload lost the record of its proposal, which is challenged now: the chain takes one proposal per aggregator and round.
    ['its own proposal on chain, unrecorded and challenged, is not proposed again', decided({ version: own, proposals: [proposal({ status: 'Challenged' })] }), ['wait']],
    ['a quiet proposal is finalized after its challenge window', decided({ me: B, now: 900n, version: { ...own, confirmed: ['7'] }, proposals: [proposal()] }), ['finalizeVersion']],
    ['…but not one whose challenge lapsed unjudged: only the winners finalize it', decided({ me: B, now: 900n, version: { ...own, confirmed: ['7'] }, proposals: [proposal({ challengeDeadline: NO_QUIET_WINDOW })] }), ['wait']],
    ['past the longest hold (decided at 150, 600 + 2 × 600 s later) nothing else can end the round: the first winner advances', decided({ now: 1950n, version: { ...own, confirmed: ['7'] }, proposals: [proposal({ aggregator: B, challengeDeadline: NO_QUIET_WINDOW })] }), ['advance']],
    ['…a second earlier, it waits', decided({ now: 1949n, version: { ...own, confirmed: ['7'] }, proposals: [proposal({ aggregator: B, challengeDeadline: NO_QUIET_WINDOW })] }), ['wait']],
    ['a final version has ended its round already: nothing to advance', decided({ round: { ...decided().round!, versionId: 7n }, version: own }), ['wait']],
    ['a final version: the others wait for it', decided({ me: B, round: { ...decided().round!, versionId: 7n }, version: own }), ['wait']],
    ['no shard accepted: wait out the aggregation window', decided({ acceptedShards: 0 }), ['wait']],
    ['no shard accepted, window over: advance', decided({ acceptedShards: 0, now: 750n }), ['advance']]
  ]
  it.each(table)('%s', (_name, input, expected) => {
    expect(kinds(duties(input).duties)).toEqual(expected)
  })

  it('batches its results: trains every drawn shard, then commits them in one transaction, and reveals them in one', () => {
    const two = { ...view().round!, shards: [shard(), shard({ shard: 1 })] }
    const fresh = duties(view({ round: two })).duties
    expect(kinds(fresh)).toEqual(['train', 'train', 'commit'])
    expect(fresh[2]).toMatchObject({ kind: 'commit', results: [{ shard: { shard: 0 }, replica: 0 }, { shard: { shard: 1 }, replica: 0 }] })
    // A result saved before a reload commits before the training of another, which may fail.
    const oneSaved = duties(view({ round: two, result: (s) => s === 0 ? saved : undefined })).duties
    expect(kinds(oneSaved)).toEqual(['commit', 'train', 'commit'])
    const committed = { ...two, shards: two.shards.map((s) => ({ ...s, committedMask: 0b11 })) }
    const reveal = duties(view({ round: committed, result: () => saved })).duties
    expect(kinds(reveal)).toEqual(['reveal'])
    expect(reveal[0]).toMatchObject({ kind: 'reveal', results: [{ shard: { shard: 0 } }, { shard: { shard: 1 } }] })
  })

  it('finalizes every shard that no reveal decided in one transaction: replicas that revealed in one block, and a split past its referee window', () => {
    const revealed = { committedMask: 0b11, revealedMask: 0b11 }
    const three = { ...view().round!, shards: [shard({ ...revealed }), shard({ shard: 1, committedMask: 0b01 }), shard({ shard: 2, ...revealed, status: 'Disputed' as const, refereeDeadline: 300n }), shard({ shard: 3, ...revealed })] }
    const out = duties(view({ me: C, now: 300n, round: three })).duties
    expect(out.filter((d) => d.kind === 'finalizeShards')).toEqual([{ kind: 'finalizeShards', shards: [three.shards[0], three.shards[1], three.shards[2], three.shards[3]] }])
    // before the windows end only the lowest provider finalizes, and only the fully revealed shards
    const early = duties(view({ now: 150n, round: three })).duties
    expect(early.filter((d) => d.kind === 'finalizeShards')).toEqual([{ kind: 'finalizeShards', shards: [three.shards[0], three.shards[3]] }])
  })

  it('splits the shards to finalize into transactions of at most FINALIZE_BATCH', () => {
    const many = { ...view().round!, shards: Array.from({ length: FINALIZE_BATCH + 3 }, (_, i) => shard({ shard: i })) }
    const batches = duties(view({ me: C, now: 300n, round: many })).duties.filter((d) => d.kind === 'finalizeShards')
    expect(batches.map((d) => d.kind === 'finalizeShards' ? d.shards.map((s) => s.shard) : [])).toEqual([[...Array(FINALIZE_BATCH).keys()], [FINALIZE_BATCH, FINALIZE_BATCH + 1, FINALIZE_BATCH + 2]])
  })

  it('wakes at the next window that closes', () => {
    expect(duties(view({ joined: true, task: { ...view().task, status: 'Joining', joinDeadline: 500n } })).wakeAt).toBe(500n)
    expect(duties(view({ round: { ...view().round!, shards: [shard({ committedMask: 0b01 })] }, result: () => saved })).wakeAt).toBe(200n)
    expect(duties(view({ me: C })).wakeAt).toBe(300n)
    expect(duties(decided({ me: B, version: { ...own, confirmed: ['7'] }, proposals: [proposal()] })).wakeAt).toBe(900n)
    // a version whose challenge lapsed unjudged has no window left to wake for
    expect(duties(decided({ me: B, version: { ...own, confirmed: ['7'] }, proposals: [proposal({ challengeDeadline: NO_QUIET_WINDOW })] })).wakeAt).not.toBe(NO_QUIET_WINDOW)
    expect(duties(view({ round: { ...view().round!, shards: [shard({ providers: [] })] } })).wakeAt).toBe(101n)
    expect(duties(decided({ acceptedShards: 0 })).wakeAt).toBe(750n)
    expect(duties(view({ now: 350n, round: { ...view().round!, shards: [shard({ status: 'Disputed' })] } })).wakeAt).toBe(400n)
  })
})
