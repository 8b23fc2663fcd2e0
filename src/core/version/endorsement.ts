/**
 * Checks a round winner's endorsement received from a peer before it is used: the aggregator
 * submits endorsements with its proposal (one bad signature would revert it) and a winner signs
 * the content of the aggregator's endorsement. Pure apart from signature recovery; never throws.
 */
import type { Address, Hex } from 'viem'
import type { Endorsement } from '../messages/schemas.ts'
import { verifyVersionSignature, type RegistryDomain, type VersionContent } from './signature.ts'

export type EndorsementRefusal = 'not-sender' | 'not-a-winner' | 'other-round' | 'other-content' | 'bad-signature'

export type EndorsementCheck = { ok: true, content: VersionContent } | { ok: false, reason: EndorsementRefusal, detail: string }

/** What the receiver recomputed; metrics are compared only when given (an endorser adopts the aggregator's). */
export interface ExpectedVersion {
  domain: RegistryDomain
  taskId: bigint
  round: bigint
  parent: bigint
  modelCid: Hex
  commitHash: Hex
  deltaRoot: Hex
  dataHash: Hex
  metrics?: { accuracyBps: number, loss: bigint }
  /** the round's winners */
  winners: readonly Address[]
}

/** The content an endorsement signs, from its message body. */
export function endorsementContent (e: Endorsement): VersionContent {
  return {
    taskId: BigInt(e.taskId),
    round: BigInt(e.round),
    parent: BigInt(e.parent),
    data: { modelCid: e.modelCid, commitHash: e.commitHash, deltaRoot: e.deltaRoot, dataHash: e.dataHash, accuracyBps: e.accuracyBps, loss: BigInt(e.loss) }
  }
}

/** `from` is the wallet the gossip message is bound to. */
export async function checkEndorsement (e: Endorsement, from: Address, expected: ExpectedVersion): Promise<EndorsementCheck> {
  const refuse = (reason: EndorsementRefusal, detail: string): EndorsementCheck => ({ ok: false, reason, detail })
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase()
  if (!same(e.signer, from)) return refuse('not-sender', `signed for ${e.signer}, sent by ${from}`)
  if (!expected.winners.some((w) => same(w, e.signer))) return refuse('not-a-winner', `${e.signer} did not win round ${expected.round}`)
  const content = endorsementContent(e)
  if (content.taskId !== expected.taskId || content.round !== expected.round || content.parent !== expected.parent) {
    return refuse('other-round', `task ${content.taskId} round ${content.round} on ${content.parent}, not task ${expected.taskId} round ${expected.round} on ${expected.parent}`)
  }
  const d = content.data
  const differs = [
    ['modelCid', d.modelCid, expected.modelCid], ['commitHash', d.commitHash, expected.commitHash],
    ['deltaRoot', d.deltaRoot, expected.deltaRoot], ['dataHash', d.dataHash, expected.dataHash]
  ].filter(([, a, b]) => !same(a!, b!)).map(([name]) => name)
  if (expected.metrics !== undefined && (d.accuracyBps !== expected.metrics.accuracyBps || d.loss !== expected.metrics.loss)) differs.push('metrics')
  if (differs.length > 0) return refuse('other-content', `its ${differs.join(', ')} differ from the version recomputed here`)
  if (!await verifyVersionSignature(expected.domain, content, { signer: e.signer, signature: e.signature })) {
    return refuse('bad-signature', `not ${e.signer}'s Version signature of this content`)
  }
  return { ok: true, content }
}
