/**
 * Winners' endorsements of a round's version travel off chain, on the task's `endorsements`
 * gossip topic: the aggregator publishes its signed content, every other winner that recomputed
 * the same version signs that content and publishes its signature, and the aggregator submits
 * them all with its proposal. Without a bus the loop still works: each winner then signs on chain
 * through `confirm`.
 */
import type { Address, Hex } from 'viem'
import type { Endorsement, TopicBodyInputs } from '../core/messages/index.ts'
import { endorsementContent } from '../core/version/endorsement.ts'
import { equivocates, type VersionContent } from '../core/version/signature.ts'

export type EndorsementBody = Omit<TopicBodyInputs['endorsements'], 'type' | 'taskId'>

/** What the loop needs from the task's gossip for endorsements. */
export interface EndorsementBus {
  publish: (body: EndorsementBody) => Promise<void>
  /** Peers' endorsements as the message layer verified them (well-formed, bound to wallet `from`); returns the unsubscribe. */
  subscribe: (listener: (endorsement: Endorsement, from: Address) => void) => () => void
}

export interface ReceivedEndorsement {
  endorsement: Endorsement
  from: Address
}

/** A round keeps at most this many endorsements: more than any round has winners, a bound against floods. */
const MAX_PER_ROUND = 256

/** Two endorsements by one signer of different models for one round: evidence of equivocation. */
export interface Equivocation {
  signer: Address
  first: Endorsement
  second: Endorsement
}

/**
 * Endorsements received, by round and signer (a newer one replaces an older one), for the rounds
 * next to the one the loop last observed (`moveTo`); the others are dropped. A signer's second
 * endorsement of another model for the same round and parent is kept aside as evidence
 * (`takeEquivocations`), once per signer and round, signatures unchecked.
 */
export class EndorsementPool {
  private readonly rounds = new Map<number, Map<string, ReceivedEndorsement>>()
  private readonly equivocations: Equivocation[] = []
  /** signers, by round, already reported as equivocating, or as refused (`firstRefusal`) */
  private readonly equivocators = new Map<number, Set<string>>()
  private readonly refusals = new Map<number, Set<string>>()
  /** The task's round as the loop last observed it; undefined before the first observation. */
  private current: number | undefined

  /**
   * The loop observed `round` on chain: from now on only endorsements of the rounds next to it
   * are kept. The window follows the chain, not the rounds peers name: one endorsement of a
   * round far ahead must not make every honest one look old.
   */
  moveTo (round: number): void {
    this.current = round
    for (const byRound of [this.rounds, this.equivocators, this.refusals]) {
      for (const r of byRound.keys()) if (!this.near(r)) byRound.delete(r)
    }
  }

  /** Whether `signer` is new to `round` in `seen`; it is not from now on. */
  private firstTime (seen: Map<number, Set<string>>, round: number, signer: string): boolean {
    const signers = seen.get(round) ?? new Set<string>()
    seen.set(round, signers)
    const before = signers.size
    return signers.add(signer.toLowerCase()).size > before
  }

  private near (round: number): boolean {
    return this.current === undefined || (round >= this.current - 1 && round <= this.current + 1)
  }

  add (endorsement: Endorsement, from: Address): void {
    const round = endorsement.round
    if (!this.near(round)) return
    // before the first observation at most three rounds, whatever peers send
    if (!this.rounds.has(round) && this.rounds.size >= 3) return
    const byRound = this.rounds.get(round) ?? new Map<string, ReceivedEndorsement>()
    if (byRound.size >= MAX_PER_ROUND && !byRound.has(endorsement.signer)) return
    const earlier = byRound.get(endorsement.signer)?.endorsement
    if (earlier !== undefined && equivocates(endorsementContent(earlier), endorsementContent(endorsement)) && this.firstTime(this.equivocators, round, endorsement.signer)) {
      this.equivocations.push({ signer: endorsement.signer as Address, first: earlier, second: endorsement })
    }
    byRound.set(endorsement.signer, { endorsement, from })
    this.rounds.set(round, byRound)
  }

  /** True the first time a signer's endorsement of `round` is refused (so it is reported once). */
  firstRefusal (round: number, signer: string): boolean {
    return this.firstTime(this.refusals, round, signer)
  }

  /** The evidence gathered since the last call. */
  takeEquivocations (): Equivocation[] {
    return this.equivocations.splice(0)
  }

  of (round: number): ReceivedEndorsement[] {
    return [...(this.rounds.get(round)?.values() ?? [])]
  }
}

/** The message body of `signer`'s signature of `content`. */
export function endorsementBody (content: VersionContent, signer: Address, signature: Hex): EndorsementBody {
  const { round, parent, data } = content
  return { round: Number(round), parent: parent.toString(), ...data, loss: data.loss.toString(), signer, signature }
}

/**
 * An in-process bus joining several loops (tests, or a simulator without libp2p): each
 * publication reaches every other member, as gossip would, bound to its publisher's account.
 */
export function localEndorsementHub (taskId: bigint): { member: (account: Address) => EndorsementBus } {
  const listeners = new Set<{ account: Address, listener: (e: Endorsement, from: Address) => void }>()
  return {
    member: (account) => ({
      publish: async (body) => {
        const endorsement = { ...body, type: 'endorsement', taskId: taskId.toString(), signer: body.signer.toLowerCase() } as Endorsement
        for (const l of [...listeners]) if (l.account !== account) l.listener(endorsement, account.toLowerCase() as Address)
      },
      subscribe: (listener) => {
        const entry = { account, listener }
        listeners.add(entry)
        return () => { listeners.delete(entry) }
      }
    })
  }
}
