import { zeroAddress, type Address, type Hash, type Hex } from 'viem'
import { SLASH_REASONS, resultRefOf, type ResultRef, type SlashReason } from '../../chain/actions/index.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'
import { challengesOf, type ChallengeView } from './challenges.ts'

/** A split attempt (`ShardDisputed`) and what the referee made of it. */
export interface SplitView {
  taskId: bigint
  round: number
  shard: number
  attempt: number
  revealedMask: number
  /** Block of the split. */
  block: bigint
  /** Unix seconds: the verdict must land before it. */
  refereeDeadline: bigint
  verdict:
    | { kind: 'pending' }
    | { kind: 'resolved', winnersMask: number, evidence: Hex }
    /** The deadline passed without a verdict: the shard ran again (or failed), nobody slashed. */
    | { kind: 'lapsed' }
}

/** What brought a slash about: a split's verdict, an upheld result challenge, an audit, an equivocation report. */
export type SlashCause = 'split' | 'challenge' | 'proof' | 'audit' | 'equivocation' | 'version' | 'cosigned'

/** Where a slash stands in its appeal delay (`SlashPending`, then `SlashExecuted` or `SlashOverturned`). */
export interface SlashAppeal {
  id: bigint
  /** Unix seconds: from then on anyone may execute it, and no appeal may overturn it. */
  executableAt: bigint
  state: 'held' | 'executed' | 'overturned'
}

/** What the distributor's events of a slashing transaction say about one provider's slash. */
interface Settlement {
  reporter: Address | undefined
  reporterShare: bigint
  /** Unclaimed earnings (of any task) the slash forfeited. */
  forfeited: bigint
  /** undefined only for slashes made before slashes had an appeal delay */
  appeal: SlashAppeal | undefined
}

export interface SlashView extends Settlement {
  taskId: bigint
  round: number
  /** The slashed result; undefined for an equivocation or a forged version, which slash a version's signer or aggregator. */
  result: ResultRef | undefined
  provider: Address
  reason: SlashReason | 'Equivocation' | 'ForgedVersion'
  cause: SlashCause
  /** Stake taken. */
  amount: bigint
  evidence: Hex | undefined
  block: bigint
}

/** Each list in chain order (of its opening event). */
export interface Disputes {
  splits: SplitView[]
  slashes: SlashView[]
  challenges: ChallengeView[]
}

/** Splits, slashes and challenges of protocol events in chain order (one task's, as `readTaskEvents` gives them, or every task's). */
export function disputesOf (events: readonly ProtocolEvent[]): Disputes {
  return { splits: splitsOf(events), slashes: slashesOf(events), challenges: challengesOf(events) }
}

function splitsOf (events: readonly ProtocolEvent[]): SplitView[] {
  const splits = new Map<string, SplitView>()
  for (const event of events) {
    if (event.eventName === 'ShardDisputed') {
      const { taskId, round, shard, attempt, revealedMask, refereeDeadline } = event.args
      splits.set(attemptKey(event.args), {
        taskId, round: Number(round), shard: Number(shard), attempt: Number(attempt), revealedMask: Number(revealedMask),
        block: event.blockNumber, refereeDeadline, verdict: { kind: 'pending' }
      })
    }
    if (event.eventName === 'SplitResolved') {
      const split = splits.get(attemptKey(event.args))
      if (split !== undefined) split.verdict = { kind: 'resolved', winnersMask: Number(event.args.winnersMask), evidence: event.args.evidence }
    }
    if (event.eventName === 'ShardRequeued' || event.eventName === 'ShardFailed') {
      // A re-queue names the attempt it opens; a failure the attempt that failed.
      const attempt = event.eventName === 'ShardRequeued' ? event.args.attempt - 1n : event.args.attempt
      const split = splits.get(attemptKey({ ...event.args, attempt }))
      if (split?.verdict.kind === 'pending') split.verdict = { kind: 'lapsed' }
    }
  }
  return [...splits.values()]
}

/**
 * The distributor's `Slashed` and `EarningsForfeited` precede the verifier's `ResultSlashed` (or
 * the registry's `Equivocated`, `VersionSlashed` or `CosignerSlashed`) in the slashing transaction, so their figures are held until the
 * event naming the result comes; a split's verdict or an upheld challenge precedes it too.
 */
function slashesOf (events: readonly ProtocolEvent[]): SlashView[] {
  const slashes: SlashView[] = []
  const settlements = new Map<string, Settlement>()
  const causes = new Map<Hash, SlashCause>()
  const versionRounds = new Map<bigint, number>()
  const settlementOf = (tx: Hash, provider: Address): Settlement => {
    const key = `${tx}/${provider.toLowerCase()}`
    let settlement = settlements.get(key)
    if (settlement === undefined) settlements.set(key, settlement = { reporter: undefined, reporterShare: 0n, forfeited: 0n, appeal: undefined })
    return settlement
  }
  // Taken once: a provider slashed twice in one transaction gets each slash's own figures.
  const takeSettlement = (tx: Hash, provider: Address): Settlement => {
    const settlement = settlementOf(tx, provider)
    settlements.delete(`${tx}/${provider.toLowerCase()}`)
    return settlement
  }
  // An appeal ends later than its slash, or (with no delay) in the same transaction before it is named.
  const appealEnds = new Map<bigint, SlashAppeal['state']>()
  for (const event of events) {
    const tx = event.transactionHash
    if (event.eventName === 'SlashPending') settlementOf(tx, event.args.provider).appeal = { id: event.args.id, executableAt: BigInt(event.args.executableAt), state: 'held' }
    if (event.eventName === 'SlashExecuted') appealEnds.set(event.args.id, 'executed')
    if (event.eventName === 'SlashOverturned') appealEnds.set(event.args.id, 'overturned')
    if (event.eventName === 'SplitResolved') causes.set(tx, 'split')
    if (event.eventName === 'VersionProposed') versionRounds.set(event.args.versionId, Number(event.args.round))
    if (event.eventName === 'ResultChallengeResolved') causes.set(tx, 'challenge')
    // after the challenge it may uphold in the same transaction: the proof is what decided
    if (event.eventName === 'InvalidDeltaProven') causes.set(tx, 'proof')
    if (event.eventName === 'EarningsForfeited') settlementOf(tx, event.args.provider).forfeited += event.args.amount
    if (event.eventName === 'Slashed') {
      const settlement = settlementOf(tx, event.args.provider)
      settlement.reporter = event.args.reporter === zeroAddress ? undefined : event.args.reporter
      settlement.reporterShare = event.args.reporterShare
    }
    if (event.eventName === 'ResultSlashed') {
      const result = resultRefOf(event.args)
      slashes.push({
        taskId: result.taskId, round: result.round, result, provider: event.args.provider,
        // The ABI and SLASH_REASONS are generated from the same contracts: the index is in range.
        reason: SLASH_REASONS[event.args.reason]!,
        cause: causes.get(tx) ?? 'audit',
        amount: event.args.amount, evidence: event.args.evidence, block: event.blockNumber,
        ...takeSettlement(tx, event.args.provider)
      })
    }
    if (event.eventName === 'Equivocated') {
      slashes.push({
        taskId: event.args.taskId, round: Number(event.args.round), result: undefined, provider: event.args.signer,
        reason: 'Equivocation', cause: 'equivocation', amount: event.args.amount, evidence: undefined, block: event.blockNumber,
        ...takeSettlement(tx, event.args.signer), reporter: event.args.reporter
      })
    }
    if (event.eventName === 'VersionSlashed' || event.eventName === 'CosignerSlashed') {
      const provider = event.eventName === 'VersionSlashed' ? event.args.aggregator : event.args.signer
      slashes.push({
        taskId: event.args.taskId, round: versionRounds.get(event.args.versionId) ?? -1, result: undefined, provider,
        reason: 'ForgedVersion', cause: event.eventName === 'VersionSlashed' ? 'version' : 'cosigned', amount: event.args.amount, evidence: undefined, block: event.blockNumber,
        ...takeSettlement(tx, provider)
      })
    }
  }
  return slashes.map((slash) => {
    const ended = slash.appeal === undefined ? undefined : appealEnds.get(slash.appeal.id)
    return ended === undefined ? slash : { ...slash, appeal: { ...slash.appeal!, state: ended } }
  })
}

const SLASH_REASON_WORDS: Record<SlashView['reason'], string> = {
  FingerprintMismatch: "its delta's bytes do not give its revealed fingerprint",
  InvalidDelta: 'its delta failed validation',
  RefereeDisagrees: "the referee's re-execution disagrees with its result",
  Equivocation: 'it signed two different models for one round',
  ForgedVersion: 'it proposed a version the round\'s accepted results do not give'
}

/** Why a provider was slashed, in words. */
export const slashReasonWords = (reason: SlashView['reason']): string => SLASH_REASON_WORDS[reason]

const attemptKey = (args: { taskId: bigint, round: bigint, shard: bigint, attempt: bigint }): string =>
  `${args.taskId}/${args.round}/${args.shard}/${args.attempt}`
