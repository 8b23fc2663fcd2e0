import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { MAX_PROVIDERS } from '../../core/taskLimits.ts'
import { roundNumber } from '../../core/taskPhase.ts'
import { chainTime, mlb, shortAddress } from './format.ts'

const where = (args: { round: bigint, shard: bigint, attempt: bigint }): string =>
  `round ${roundNumber(args.round)} shard ${args.shard} attempt ${args.attempt}`

/** One short sentence for a task's event log. */
export function eventSentence (event: ProtocolEvent): string {
  switch (event.eventName) {
    case 'TaskCreated': return `${shortAddress(event.args.creator)} created the task with ${mlb(event.args.escrow)} in escrow (model ${event.args.modelId}).`
    case 'ProviderJoined': return `${shortAddress(event.args.provider)} joined with weight ${event.args.weight}.`
    case 'ProviderApplied': return `${shortAddress(event.args.provider)} applied: every place was taken, and a draw after the joining window keeps ${MAX_PROVIDERS} of all who joined.`
    case 'ApplicantDrawScheduled': return `${event.args.applicants} joined beyond the task's ${MAX_PROVIDERS} places: the hash of block ${event.args.seedBlock} draws who keeps one.`
    case 'ApplicantsDrawn': return `The draw among everyone who joined gave ${event.args.entrants} applicants a place.`
    case 'ProviderReplaced': return `The draw gave ${shortAddress(event.args.previous)}'s place to ${shortAddress(event.args.provider)}; ${shortAddress(event.args.previous)}'s stake is free to unlock.`
    case 'RoundStarted': return `Round ${roundNumber(event.args.round)} started.`
    case 'RoundConfigured': return `The verifier opened round ${roundNumber(event.args.round)}.`
    case 'RoundDecided': return `Every shard of round ${roundNumber(event.args.round)} is decided.`
    case 'Committed': return `${shortAddress(event.args.provider)} committed replica ${event.args.replica} of ${where(event.args)}.`
    case 'Revealed': return `${shortAddress(event.args.provider)} revealed replica ${event.args.replica} of ${where(event.args)}.`
    case 'ShardAccepted': return `Accepted ${where(event.args)} (center replica ${event.args.center}).`
    case 'ShardRequeued': return `Round ${roundNumber(event.args.round)} shard ${event.args.shard} found no majority; re-queued as attempt ${event.args.attempt} with ${event.args.replication} replicas.`
    case 'ShardDisputed': return `The replicas of ${where(event.args)} disagree with no majority: the referee decides it (until ${event.args.refereeDeadline}).`
    case 'SplitResolved': return `The referee settled ${where(event.args)}: the replicas it agrees with are paid, the others slashed.`
    case 'ShardFailed': return `Round ${roundNumber(event.args.round)} shard ${event.args.shard} failed after attempt ${event.args.attempt}.`
    case 'ResultSlashed': return `${shortAddress(event.args.provider)} was slashed ${mlb(event.args.amount)} for replica ${event.args.replica} of ${where(event.args)}.`
    case 'Slashed': return `The distributor took ${mlb(event.args.amount)} of ${shortAddress(event.args.provider)}'s stake: ${mlb(event.args.burned)} burnt${event.args.reporterShare > 0n ? `, ${mlb(event.args.reporterShare)} to ${shortAddress(event.args.reporter)} for reporting it` : ''}.`
    case 'SlashPending': return `The slash of ${shortAddress(event.args.provider)} is held for appeal until ${chainTime(BigInt(event.args.executableAt))}.`
    case 'SlashExecuted': return `Slash ${event.args.id} took effect: its stake was burnt and its reporter paid.`
    case 'SlashOverturned': return `Slash ${event.args.id} was overturned on appeal: ${mlb(event.args.returned)} went back to ${shortAddress(event.args.provider)}.`
    case 'EarningsForfeited': return `${shortAddress(event.args.provider)} forfeited ${mlb(event.args.amount)} of unclaimed earnings.`
    case 'ResultChallenged': return `${shortAddress(event.args.challenger)} challenged replica ${event.args.replica} of ${where(event.args)}, bonding ${mlb(event.args.bond)}.`
    case 'ResultChallengeResolved': return event.args.upheld
      ? `${shortAddress(event.args.challenger)}'s result challenge was upheld; its bond went back.`
      : `The referee dismissed ${shortAddress(event.args.challenger)}'s result challenge; its bond went to the accused.`
    case 'InvalidDeltaProven': return `${shortAddress(event.args.prover)} proved on chain that a result's delta is not a valid delta of its own; ${shortAddress(event.args.reporter)} is paid for reporting it.`
    case 'ResultChallengeExpired': return `Nobody judged ${shortAddress(event.args.challenger)}'s result challenge in time; the bond went back.`
    case 'TaskClosed': return 'The verifier closed the task.'
    case 'TaskCompleted': return `The task completed; ${mlb(event.args.refund)} refunded to the creator.`
    case 'TaskCancelled': return `The task ended early; ${mlb(event.args.refund)} refunded to the creator.`
    case 'RoundHeld': return `Version ${event.args.versionId} of round ${roundNumber(event.args.round)} may still become final (its challenge window, or the referee on its challenge): the round waits for it.`
    case 'TaskStalled': return `${event.args.rounds} rounds in a row made no version: the task ended and its escrow went back.`
    case 'TaskCancelRequested': return `The creator cancelled the task: it ends when round ${roundNumber(event.args.round)} does, and that round's results are still paid.`
    case 'TaskUnderSubscribed': return `Only ${event.args.providers} providers can be drawn, fewer than the ${event.args.replication} each shard needs: the task ended; ${mlb(event.args.refund)} refunded.`
    case 'ProviderEjected': return `${shortAddress(event.args.provider)} is drawn no more from round ${roundNumber(event.args.fromRound)} on (slashed, or missed a result with its deposit spent).`
    case 'ProviderSteppedAway': return `${shortAddress(event.args.provider)} paused: it is not drawn from round ${roundNumber(event.args.fromRound)} on until it steps back.`
    case 'ProviderSteppedBack': return `${shortAddress(event.args.provider)} is back: it may be drawn again from round ${roundNumber(event.args.fromRound)} on.`
    case 'ProviderLeft': return `${shortAddress(event.args.provider)} took back its ${mlb(event.args.amount)} stake.`
    case 'EscrowDeposited': return `${shortAddress(event.args.payer)} deposited ${mlb(event.args.amount)} in escrow.`
    case 'EscrowRefunded': return `${mlb(event.args.amount)} of escrow refunded to ${shortAddress(event.args.to)}.`
    case 'RewardCredited': return `${shortAddress(event.args.provider)} earned ${mlb(event.args.amount)}.`
    case 'ModelCreated': return `Model ${event.args.modelId} created with head version ${event.args.head}.`
    case 'VersionRegistered': return `Version ${event.args.versionId} registered (parent ${event.args.parent}).`
    case 'VersionProposed': return `${shortAddress(event.args.aggregator)} proposed version ${event.args.versionId} for round ${roundNumber(event.args.round)}.`
    case 'VersionConfirmed': return `${shortAddress(event.args.signer)} signed version ${event.args.versionId} (${event.args.signers} signers so far).`
    case 'Equivocated': return `${shortAddress(event.args.signer)} signed two different models for round ${roundNumber(event.args.round)}: slashed ${mlb(event.args.amount)} on ${shortAddress(event.args.reporter)}'s report.`
    case 'VersionSlashed': return `${shortAddress(event.args.aggregator)} proposed version ${event.args.versionId}, which the referee found wrong: slashed ${mlb(event.args.amount)} on ${shortAddress(event.args.reporter)}'s challenge.`
    case 'CosignerSlashed': return `${shortAddress(event.args.signer)} signed version ${event.args.versionId}, which the referee found wrong: slashed ${mlb(event.args.amount)} on ${shortAddress(event.args.reporter)}'s challenge.`
    case 'VersionChallenged': return `${shortAddress(event.args.challenger)} challenged version ${event.args.versionId}.`
    case 'VersionFinalized': return `Version ${event.args.versionId} is final.`
    case 'VersionRejected': return `Version ${event.args.versionId} was rejected.`
    case 'ChallengeResolved': return event.args.upheld
      ? `The referee upheld the challenge of version ${event.args.versionId}; the challenger's ${mlb(event.args.bond)} bond went back.`
      : `The referee dismissed the challenge of version ${event.args.versionId}; the challenger lost its ${mlb(event.args.bond)} bond.`
    case 'ChallengeExpired': return `Nobody judged the challenge of version ${event.args.versionId} in time; the bond went back.`
    case 'HeadMoved': return `Model ${event.args.modelId} head moved from version ${event.args.from} to ${event.args.to}${event.args.rollback ? ' (rollback)' : ''}.`
    default: return `${event.contract}.${event.eventName}`
  }
}
