/**
 * A round version's signatures checked again off chain, as the auditor does (section 16 step 5):
 * the registry counted them when they were submitted, and an audit trusts none of its bookkeeping.
 */
import type { Address } from 'viem'
import { verifyVersionSignature, type RegistryDomain, type SignerSignature, type VersionContent } from './signature.ts'

/**
 * The signers a version needs (`ModelRegistry.requiredSigners`): the aggregator plus the task's
 * `confirmations`, and a strict majority of the round's `winners` whatever the task's setting.
 */
export function requiredSigners (confirmations: number, winners: number): number {
  return 1 + Math.max(confirmations, Math.floor(winners / 2))
}

/**
 * Whether the aggregator stops gathering the other winners' endorsements and proposes: every one
 * came; or `allWaitMs` is over and those that came make the proposal final at once
 * (`requiredSigners` less the aggregator); or `finalityWaitMs` is over, whatever came.
 */
export function gatheringOver (p: { endorsed: number, others: number, needed: number, waitedMs: number, allWaitMs: number, finalityWaitMs: number }): boolean {
  if (p.endorsed >= p.others) return true
  if (p.waitedMs >= p.allWaitMs && p.endorsed >= p.needed) return true
  return p.waitedMs >= Math.max(p.allWaitMs, p.finalityWaitMs)
}

/** What is wrong with a version's signatures: one signature, or who signed and how many. */
export interface SignerFault {
  field: 'signature' | 'signers'
  reason: string
}

export interface SignedVersion {
  domain: RegistryDomain
  /** the stored content with the version's task, round and parent */
  content: VersionContent
  /** the aggregator's (from `VersionProposed`) first, then each `VersionConfirmed`'s */
  signatures: readonly SignerSignature[]
  /** the round's winners: each provider of a replica whose bit is set in an accepted shard's `winnersMask` */
  winners: readonly Address[]
  /** the task's `confirmations` */
  confirmations: number
  /**
   * It became final in the transaction that counted its last signature. A version final by its
   * quiet window, or by a dismissed challenge, needed no majority.
   */
  finalBySignatures: boolean
}

export interface SignersCheck {
  /** distinct winners whose signature is over the version */
  counted: number
  /** the round's winners, each provider once (`W`) */
  winners: number
  /** what a version final by its signatures needed; undefined for one final otherwise */
  required?: number
  faults: SignerFault[]
}

export async function checkVersionSigners (version: SignedVersion): Promise<SignersCheck> {
  const { domain, content, signatures } = version
  const winners = new Set(version.winners.map((w) => w.toLowerCase()))
  const counted = new Set<string>()
  const faults: SignerFault[] = []
  if (signatures.length === 0) faults.push({ field: 'signers', reason: 'no aggregator\'s signature (no VersionProposed)' })
  for (const s of signatures) {
    const signer = s.signer.toLowerCase()
    const valid = await verifyVersionSignature(domain, content, s)
    if (!valid) faults.push({ field: 'signature', reason: `${s.signer}'s signature is not a Version signature of the stored content with task ${content.taskId}, round ${content.round} and parent ${content.parent}` })
    if (!winners.has(signer)) faults.push({ field: 'signers', reason: `${s.signer} won no shard of round ${content.round}` })
    else if (counted.has(signer)) faults.push({ field: 'signers', reason: `${s.signer} is counted twice` })
    else if (valid) counted.add(signer)
  }
  if (!version.finalBySignatures) return { counted: counted.size, winners: winners.size, faults }
  const required = requiredSigners(version.confirmations, winners.size)
  if (counted.size < required) {
    faults.push({ field: 'signers', reason: `final by ${counted.size} valid signers of ${winners.size} winners, where it needs ${required} (1 + max(confirmations ${version.confirmations}, ⌊${winners.size} / 2⌋))` })
  }
  return { counted: counted.size, winners: winners.size, required, faults }
}
