import type { Address, Hex } from 'viem'
import { resultKeyOf, resultRefOf, type ResultRef } from '../../chain/actions/index.ts'
import type { ProtocolEvent } from '../../chain/protocolEvents.ts'

export type ChallengeOutcome = 'open' | 'upheld' | 'dismissed' | 'expired' | 'superseded'

interface ChallengeBase {
  challenger: Address
  /** Whose work is challenged: the result's provider or the version's aggregator, when its event is at hand. */
  accused: Address | undefined
  outcome: ChallengeOutcome
  block: bigint
}

export interface ResultChallengeView extends ChallengeBase {
  kind: 'result'
  result: ResultRef
  bond: bigint
  /** Unix seconds: the referee's deadline. */
  resolveBy: bigint
}

export interface VersionChallengeView extends ChallengeBase {
  kind: 'version'
  taskId: bigint | undefined
  versionId: bigint
  /** What the challenger recomputed (`versionClaim`), which the referee checks against its own. */
  claim: Hex
  /** Known once the referee judged it (`ChallengeResolved`). */
  bond: bigint | undefined
}

export type ChallengeView = ResultChallengeView | VersionChallengeView

/**
 * Every result and version challenge of protocol events in chain order, with its outcome. A result
 * has one open challenge at a time: a later opening of the same result took it over (an older
 * commitment), and its closing events name it by `resultKey` only.
 */
export function challengesOf (events: readonly ProtocolEvent[]): ChallengeView[] {
  const challenges: ChallengeView[] = []
  const openResults = new Map<Hex, ResultChallengeView>()
  const openVersions = new Map<bigint, VersionChallengeView>()
  const revealedBy = new Map<string, Address>()
  const versions = new Map<bigint, { taskId: bigint, aggregator: Address }>()
  for (const event of events) {
    switch (event.eventName) {
      case 'Revealed':
        revealedBy.set(refKey(resultRefOf(event.args)), event.args.provider)
        break
      case 'VersionProposed':
        versions.set(event.args.versionId, { taskId: event.args.taskId, aggregator: event.args.aggregator })
        break
      case 'ResultChallenged': {
        const result = resultRefOf(event.args)
        const key = resultKeyOf(result)
        const superseded = openResults.get(key)
        if (superseded !== undefined) superseded.outcome = 'superseded'
        const challenge: ResultChallengeView = {
          kind: 'result', result, challenger: event.args.challenger, accused: revealedBy.get(refKey(result)),
          bond: event.args.bond, resolveBy: event.args.resolveBy, outcome: 'open', block: event.blockNumber
        }
        openResults.set(key, challenge)
        challenges.push(challenge)
        break
      }
      case 'ResultChallengeResolved':
      case 'ResultChallengeExpired': {
        const challenge = closed(openResults, event.args.resultKey)
        if (challenge !== undefined) challenge.outcome = event.eventName === 'ResultChallengeExpired' ? 'expired' : event.args.upheld ? 'upheld' : 'dismissed'
        break
      }
      case 'VersionChallenged': {
        const version = versions.get(event.args.versionId)
        // An older commitment took the open challenge over.
        const superseded = openVersions.get(event.args.versionId)
        if (superseded !== undefined) superseded.outcome = 'superseded'
        const challenge: VersionChallengeView = {
          kind: 'version', taskId: version?.taskId, versionId: event.args.versionId, challenger: event.args.challenger, accused: version?.aggregator,
          claim: event.args.claim, bond: undefined, outcome: 'open', block: event.blockNumber
        }
        openVersions.set(event.args.versionId, challenge)
        challenges.push(challenge)
        break
      }
      case 'ChallengeResolved':
      case 'ChallengeExpired': {
        const challenge = closed(openVersions, event.args.versionId)
        if (challenge === undefined) break
        challenge.outcome = event.eventName === 'ChallengeExpired' ? 'expired' : event.args.upheld ? 'upheld' : 'dismissed'
        if (event.eventName === 'ChallengeResolved') challenge.bond = event.args.bond
        break
      }
      default:
        // The other events neither open nor close a challenge.
        break
    }
  }
  return challenges
}

/** The open challenge of `target`, no longer open; undefined when none was (a closing of events not at hand). */
function closed<K, V> (open: Map<K, V>, target: K): V | undefined {
  const challenge = open.get(target)
  open.delete(target)
  return challenge
}

const refKey = (ref: ResultRef): string => `${ref.taskId}/${ref.round}/${ref.shard}/${ref.attempt}/${ref.replica}`
