/**
 * Byzantine providers: a real `ProviderLoop` whose `Trainer`, and for the attacks that act on chain
 * its `ProviderChain` (and the sniffer its gossip), are wrapped so that it submits an attack instead
 * of its honest work. The loop itself is unchanged: everything it does on chain is what an attacker
 * running the client would do.
 */
import { CID } from 'multiformats/cid'
import { bytesToHex, keccak256, parseEther, type Address, type Hex } from 'viem'
import { NO_PARENT_DATA, createTask, readResultCommitment, revealResult, submitCommitment, type CommittedResult, type WriteContext } from '../../src/chain/actions/index.ts'
import { decodeDelta, encodeDelta } from '../../src/core/delta/codec.ts'
import { openDelta } from '../../src/core/delta/seal.ts'
import { errorMessage, errorKind } from '../../src/core/errors.ts'
import { fingerprintSeedOf, taskFingerprint } from '../../src/core/fingerprint.ts'
import { Rng } from '../../src/core/random.ts'
import { declaredResources } from '../../src/core/resourceLimits.ts'
import { stepSeed } from '../../src/core/sampling.ts'
import { defineTask } from '../../src/core/taskDefinition.ts'
import type { TaskSpec } from '../../src/core/taskSpec.ts'
import { l2Norm, zerosLike, type WeightLayout, type WeightSet } from '../../src/core/tensors.ts'
import { acceptedResults, winnerReveals, type AcceptedResult } from '../../src/core/version/acceptedResults.ts'
import { decodeVersion, encodeVersion } from '../../src/core/version/blob.ts'
import type { VersionContent } from '../../src/core/version/signature.ts'
import { rawCid } from '../../src/storage/index.ts'
import type { TaskChannel } from '../../src/p2p/index.ts'
import { cidToHex } from '../../src/provider/artifacts.ts'
import type { ArtifactStore, ProviderChain, Trainer } from '../../src/provider/types.ts'
import type { TrainShardResult } from '../../src/train/trainShard.ts'
import { DEFAULT_LIMITS } from '../../src/storage/limits.ts'
import {
  alieDelta, alieZ, coAssigned, FREE_RIDERS, griefTargets, ipmDelta, junkFingerprint, lazyDelta, noiseDelta, reversedModel, signFlipDelta, sketchPreservingDelta,
  slotKey, sniffTarget, staleProposals, type Attack, type DeltaAnnouncement, type ResultSlot
} from './attacks.ts'

/** An attacker declining a step of the protocol (the loop reports it and retries on a later tick). */
export class AttackerRefusal extends errorKind('ATTACKER_REFUSAL') {
  override name = 'AttackerRefusal'
}

type CommitInput = Parameters<ProviderChain['commitResults']>[0][number]
type RevealInput = Parameters<ProviderChain['revealResults']>[0][number]

/** What an attack rewrites: one result at a time. */
interface PerResult {
  commitResult: (params: CommitInput) => Promise<CommittedResult>
  revealResult: (params: RevealInput) => Promise<void>
}

/** The chain's batch calls, one result at a time. */
function one (chain: ProviderChain): PerResult {
  return {
    commitResult: async (params) => (await chain.commitResults([params]))[0]!,
    revealResult: async (params) => { await chain.revealResults([params]) }
  }
}

/**
 * A chain whose batches go through `attack` one result at a time, so an attack can rewrite or
 * refuse each of its results on its own; results it refuses are left out of the batch (all
 * refused: the refusal is the batch's error).
 */
function eachResult (chain: ProviderChain, attack: Partial<PerResult>): ProviderChain {
  const { commitResult, revealResult } = { ...one(chain), ...attack }
  return {
    ...chain,
    commitResults: async (results) => await withoutRefused(results, commitResult),
    revealResults: async (results) => { await withoutRefused(results, revealResult) }
  }
}

async function withoutRefused<P, R> (items: readonly P[], each: (item: P) => Promise<R>): Promise<R[]> {
  const done: R[] = []
  let refusal: AttackerRefusal | undefined
  for (const item of items) {
    try {
      done.push(await each(item))
    } catch (error) {
      if (!(error instanceof AttackerRefusal)) throw error
      refusal = error
    }
  }
  if (done.length === 0 && refusal !== undefined) throw refusal
  return done
}

/** How far IPM pushes against the honest mean (the paper's "large epsilon" setting flips the sign). */
export const IPM_EPSILON = 0.5

/**
 * What the colluding attackers share: the honest deltas each computed, by round; the ring's
 * accounts (one operator's keys: each can sign for the others); and work done once for the ring,
 * by key (a whale trains a shard once, the ring forges a round's version once, grieves a result once).
 */
export class Collusion {
  /** the ring's honest deltas of each round, one per shard: two replicas of a shard train the same update and add no spread */
  private readonly byRound = new Map<number, Map<number, WeightSet>>()
  readonly members = new Map<string, ProviderChain>()
  /** versions the ring proposed */
  readonly forged = new Set<bigint>()
  private readonly done = new Map<string, Promise<unknown>>()
  add (round: number, shard: number, delta: WeightSet): void {
    const shards = this.byRound.get(round) ?? new Map<number, WeightSet>()
    if (!shards.has(shard)) shards.set(shard, delta)
    this.byRound.set(round, shards)
  }

  honest (round: number): WeightSet[] { return [...(this.byRound.get(round)?.values() ?? [])] }

  /** The round's pool once the deltas of `shards` are in it, or what is there after `waitMs`. */
  async pooled (round: number, shards: ReadonlySet<number>, waitMs: number): Promise<WeightSet[]> {
    const deadline = Date.now() + waitMs
    const have = (): boolean => [...shards].every((s) => this.byRound.get(round)?.has(s) === true)
    while (!have() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100))
    return this.honest(round)
  }

  join (chain: ProviderChain): void { this.members.set(chain.account.toLowerCase(), chain) }

  ring (): Set<string> { return new Set(this.members.keys()) }

  /** `work`'s result for `key`, run by whichever member asks first. */
  async once<T> (key: string, work: () => Promise<T>): Promise<T> {
    let entry = this.done.get(key)
    if (entry === undefined) {
      entry = work()
      entry.catch(() => { this.done.delete(key) })
      this.done.set(key, entry)
    }
    return await (entry as Promise<T>)
  }

  has (key: string): boolean { return this.done.has(key) }
}

/**
 * One attacker's record of what it did, for the report (a note repeated on every retry is kept
 * once), and the result slots (`round/shard/attempt`) where what it submitted was not its honest
 * work: only those count as false accepts when accepted.
 */
export class AttackLog {
  readonly notes: string[] = []
  readonly attacked = new Set<string>()
  note (text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text)
  }

  attack (at: { round: number, shard: number, attempt: number }): void { this.attacked.add(attackedKey(at)) }
}

export const attackedKey = (at: { round: number, shard: number, attempt: number }): string => `${at.round}/${at.shard}/${at.attempt}`

const firstLine = (error: unknown): string => errorMessage(error).split('\n')[0] ?? ''

interface ByzantineTrainerOptions {
  attack: Attack
  /** this attacker's account */
  account: string
  inner: Trainer
  spec: TaskSpec
  layout: WeightLayout
  rounds: number
  shards: number
  collusion: Collusion
  /** providers in the task and how many are Byzantine (ALIE's z) */
  n: number
  f: number
  /** reads the previous round's accepted delta (the lazy provider's stale submission) */
  stale: (round: number) => Promise<Uint8Array | undefined>
  /** this attacker's own honest deltas, by `shardKey`: what the poisoner fingerprints at reveal */
  kept: Map<string, WeightSet>
  /** the sketch crafter's guess, before it commits, of the attempt's fingerprint seed */
  guessSeed: (round: number, shard: number, attempt: number) => Promise<number>
  /** the providers drawn onto a shard's current attempt (the whale's co-assignment) */
  drawn: (round: number, shard: number) => Promise<readonly string[]>
  log: AttackLog
}

/** ConsensusVerifier.MAX_ATTEMPTS: every attempt of a shard has its own step seed. */
const MAX_ATTEMPTS = 4

const shardKey = (round: number, shard: number): string => `${round}/${shard}`

interface Slot { round: number, shard: number, attempt: number }

/**
 * How long an ALIE member waits for the other members' updates of the round (a member drawn later
 * trains later): well inside a training step's time limit, or the step would be retried while a
 * member drawn twice never gets to its second shard, and the ring would wait on itself for good.
 */
const ALIE_WAIT_MS = 10_000

/** The shards of the slot's round, other than its own, where another member of the ring is drawn. */
async function ringShards (opts: ByzantineTrainerOptions, at: Slot): Promise<Set<number>> {
  const ring = opts.collusion.ring()
  const me = opts.account.toLowerCase()
  const shards = new Set<number>()
  for (let shard = 0; shard < opts.shards; shard++) {
    if (shard === at.shard) continue
    // Its own other shards it trains after this one: waiting on them would wait on itself.
    const drawn = await opts.drawn(at.round, shard)
    if (drawn.some((p) => p.toLowerCase() !== me && ring.has(p.toLowerCase()))) shards.add(shard)
  }
  return shards
}

/** The update an attack sends in place of the honest one it trained; undefined: the honest one (the attack is on chain, or holds back). */
async function attackDelta (opts: ByzantineTrainerOptions, at: Slot, honest: WeightSet, pool: readonly WeightSet[], seed: number): Promise<WeightSet | undefined> {
  switch (opts.attack) {
    case 'noise': return noiseDelta(honest, l2Norm(honest), seed)
    case 'signflip': case 'poison': return signFlipDelta(honest)
    case 'ipm': return ipmDelta(pool, IPM_EPSILON)
    case 'alie': {
      // ALIE hides in the spread of several honest updates: a member waits a little for the round's deltas of the other members drawn.
      const wide = await opts.collusion.pooled(at.round, await ringShards(opts, at), ALIE_WAIT_MS)
      if (wide.length < 2) {
        opts.log.note(`r${at.round} s${at.shard}: alie alone (no other member's update to take a spread from): sent its honest delta`)
        return undefined
      }
      return alieDelta(wide, alieZ(opts.n, opts.f))
    }
    case 'sketch': return sketchPreservingDelta(honest, await opts.guessSeed(at.round, at.shard, at.attempt), opts.spec.fingerprint.length)
    // A lone Sybil would only be outvoted: the whale attacks where two of its accounts were drawn together (whaleChain).
    case 'sybil': return coAssigned(await opts.drawn(at.round, at.shard), opts.collusion.ring()) ? signFlipDelta(honest) : undefined
    default: return undefined
  }
}

/**
 * A Trainer that trains honestly (except the attacks that skip the work) and returns the attack's
 * delta. The request carries only the shard's step seed: the round is recovered from it.
 */
export function byzantineTrainer (opts: ByzantineTrainerOptions): Trainer {
  const where = new Map<number, Slot>()
  for (let round = 0; round < opts.rounds; round++) {
    for (let shard = 0; shard < opts.shards; shard++) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) where.set(stepSeed(opts.spec, round, shard, attempt), { round, shard, attempt })
    }
  }
  const maxBytes = DEFAULT_LIMITS.delta
  const encode = (delta: WeightSet): Uint8Array => encodeDelta(delta)
  const idle = (metrics: Partial<TrainShardResult['metrics']> = {}): TrainShardResult['metrics'] => ({
    steps: 0, samples: 0, firstLoss: 0, lastLoss: 0, loss: 0, accuracy: 0, samplesPerSec: 0, durationMs: 0, backend: 'none', ...metrics
  })
  return {
    train: async (request, options) => {
      const at = where.get(request.seed)
      if (at === undefined) throw new Error(`byzantine trainer: step seed ${request.seed} is not one of this task's shards`)
      const zero = zerosLike(request.weights)
      if (FREE_RIDERS.has(opts.attack)) opts.log.attack(at)
      if (opts.attack === 'lazy') {
        const stale = await opts.stale(at.round)
        opts.log.note(`r${at.round} s${at.shard}: ${stale === undefined ? 'zero delta' : 'stale delta of the previous round'}`)
        return { delta: stale ?? encode(lazyDelta(zero)), metrics: idle() }
      }
      // The other free riders submit someone else's work, nothing, or junk: the zero delta is a placeholder.
      if (FREE_RIDERS.has(opts.attack)) return { delta: encode(zero), metrics: idle() }
      // The whale runs one training per shard attempt for all its accounts.
      const result = opts.attack === 'sybil'
        ? await opts.collusion.once(`train/${request.seed}`, async () => await opts.inner.train(request, options))
        : await opts.inner.train(request, options)
      const honest = decodeDelta(result.delta, { expected: opts.layout, maxBytes })
      opts.collusion.add(at.round, at.shard, honest)
      opts.kept.set(shardKey(at.round, at.shard), honest)
      const pool = opts.collusion.honest(at.round)
      const bad = await attackDelta(opts, at, honest, pool, request.seed)
      if (bad === undefined) return result
      opts.log.attack(at)
      opts.log.note(`r${at.round} s${at.shard}: ${opts.attack} (pool of ${opts.collusion.honest(at.round).length} honest deltas)`)
      return { delta: encode(bad), metrics: result.metrics }
    }
  }
}

/** The lazy provider's stale delta: the first accepted delta of the previous round, opened with its revealed salt. */
export function staleDeltaReader (chain: ProviderChain, artifacts: ArtifactStore, taskId: bigint): (round: number) => Promise<Uint8Array | undefined> {
  return async (round) => {
    if (round === 0) return undefined
    const [accepted] = await chain.readAccepted(taskId, round - 1)
    if (accepted === undefined) return undefined
    const revealed = await chain.readRevealed(taskId, round - 1, accepted.shard, accepted.attempt)
    const center = revealed.find((r) => r.replica === accepted.center)
    if (center === undefined) return undefined
    return await openDelta(await artifacts.get(center.sealedCid, 'delta'), center.salt, { maxBytes: DEFAULT_LIMITS.delta })
  }
}

/** Polls `probe` every 250 ms until it answers, for at most `waitMs`; `what` names what never came. */
async function waitFor<T> (probe: () => Promise<T | undefined>, waitMs: number, what: string): Promise<T> {
  const deadline = Date.now() + waitMs
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new AttackerRefusal(what)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

/** The shard's current attempt and drawn replicas. */
async function shardNow (chain: ProviderChain, taskId: bigint, round: number, shard: number): Promise<{ attempt: number, providers: readonly Address[] }> {
  const state = (await chain.readRound(taskId, round)).shards[shard]
  if (state === undefined) throw new Error(`round ${round} has no shard ${shard}`)
  return state
}

/** What the other replicas of the shard's current attempt revealed so far. */
async function othersRevealed (chain: ProviderChain, params: { taskId: bigint, round: number, shard: number, replica: number }): Promise<Awaited<ReturnType<ProviderChain['readRevealed']>>> {
  const { attempt } = await shardNow(chain, params.taskId, params.round, params.shard)
  return (await chain.readRevealed(params.taskId, params.round, params.shard, attempt)).filter((r) => r.replica !== params.replica)
}

/**
 * A ProviderChain that, instead of committing its own result, copies the commitment another replica
 * of the same shard sent, and at reveal time replays that replica's reveal (CIDs, fingerprint and
 * salt, from its `Revealed` event). The commitment binds the sender, so the replay is refused
 * with `CommitmentMismatch`: the copier never reveals and is never paid.
 */
export function copyingChain (chain: ProviderChain, ctx: WriteContext, log: AttackLog, opts: { waitMs?: number } = {}): ProviderChain {
  const waitMs = opts.waitMs ?? 120_000
  const victimSlot = async (taskId: bigint, round: number, shard: number, replica: number): Promise<{ attempt: number, replica: number, commitment: Hex } | undefined> => {
    const { attempt, providers } = await shardNow(chain, taskId, round, shard)
    for (let other = 0; other < providers.length; other++) {
      if (other === replica) continue
      const commitment = await readResultCommitment(ctx, { taskId, round, shard, attempt, replica: other })
      if (BigInt(commitment) !== 0n) return { attempt, replica: other, commitment }
    }
    return undefined
  }
  return eachResult(chain, {
    commitResult: async (params) => {
      const victim = await waitFor(async () => await victimSlot(params.taskId, params.round, params.shard, params.replica), waitMs, `copier: nobody committed to round ${params.round} shard ${params.shard} to copy from`)
      const { receipt } = await submitCommitment(ctx, { taskId: params.taskId, round: params.round, entries: [{ shard: params.shard, replica: params.replica, commitment: victim.commitment }] })
      log.note(`r${params.round} s${params.shard}: copied replica ${victim.replica}'s commitment ${victim.commitment.slice(0, 10)}…`)
      return { ...params, attempt: victim.attempt, commitment: victim.commitment, receipt }
    },
    revealResult: async (params) => {
      const [victim] = await othersRevealed(chain, params)
      if (victim === undefined) throw new AttackerRefusal(`copier: waiting for another replica of round ${params.round} shard ${params.shard} to reveal`)
      log.note(`r${params.round} s${params.shard}: replaying replica ${victim.replica}'s reveal`)
      await revealResult(ctx, { ...params, deltaCid: victim.deltaCid, sealedCid: victim.sealedCid, fingerprint: victim.fingerprint, salt: victim.salt })
    }
  })
}

/** The no-show: joined and staked, drawn, then never commits (its slots go missing). */
export function noShowChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  return eachResult(chain, {
    commitResult: async (params) => {
      log.note(`r${params.round} s${params.shard}: drawn, never committed`)
      throw new AttackerRefusal('no-show: not committing')
    }
  })
}

/**
 * The withholder commits its honest result and never reveals it. Revealing only when no other
 * replica revealed first would be honest work in those shards, so always withholding is the
 * stronger version; it records whether another replica had revealed when it declined.
 */
export function withholdingChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  return eachResult(chain, {
    revealResult: async (params) => {
      const others = await othersRevealed(chain, params)
      log.note(`r${params.round} s${params.shard}: withheld${others.length === 0 ? ' (nobody revealed yet)' : ' after another replica revealed'}`)
      throw new AttackerRefusal('withholder: not revealing')
    }
  })
}

/** The junk revealer commits an untrained delta and reveals random int32s as its fingerprint. */
export function junkChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  return eachResult(chain, {
    revealResult: async (params) => {
      const fingerprint = junkFingerprint(params.fingerprint.length, Number(BigInt(params.salt) & 0xffff_ffffn))
      log.note(`r${params.round} s${params.shard}: revealed a junk fingerprint`)
      await one(chain).revealResult({ ...params, fingerprint })
    }
  })
}

/**
 * The poisoned pin: the committed and pinned delta is the sign-flipped update (the trainer's
 * `poison`), but the reveal carries the fingerprint of the honest delta this attacker trained,
 * under the attempt's seed, so the vote sees an honest replica. Only the bytes betray it.
 */
export function poisonChain (chain: ProviderChain, spec: TaskSpec, kept: ReadonlyMap<string, WeightSet>, log: AttackLog): ProviderChain {
  return eachResult(chain, {
    revealResult: async (params) => {
      const honest = kept.get(shardKey(params.round, params.shard))
      if (honest === undefined) throw new Error(`poisoner: no honest delta kept for round ${params.round} shard ${params.shard}`)
      const { attempt } = await shardNow(chain, params.taskId, params.round, params.shard)
      const seed = await chain.readFingerprintSeed(params.taskId, params.round, params.shard, attempt)
      if (seed === undefined) throw new AttackerRefusal('poisoner: the fingerprint seed is not drawn yet')
      log.note(`r${params.round} s${params.shard}: pinned sign-flipped bytes, revealed the honest fingerprint`)
      await one(chain).revealResult({ ...params, fingerprint: taskFingerprint(honest, spec, seed) })
    }
  })
}

/**
 * The sniffing copier. Before committing it takes the sealed delta another replica announced on the
 * task's gossip, fetches it from the network, and commits that sealed CID as its own (with its own
 * salt and untrained delta CID: the victim's plaintext CID and key are not out before reveals).
 * At reveal it copies the victim's revealed fingerprint. Its commitment opens, and the vote sees a
 * second honest replica; but its salt does not open the sealed bytes, which the winners' byte check
 * and the referee's audit find.
 */
export class Sniffer {
  private readonly seen: DeltaAnnouncement[] = []
  /** the sealed CID committed, by `shardKey` */
  private readonly taken = new Map<string, Hex>()
  constructor (private readonly log: AttackLog, private readonly waitMs = 120_000) {}

  /** Listens to the task's artifact announcements on the provider's own channel. */
  listen (channel: TaskChannel): TaskChannel {
    channel.on('artifacts', ({ body }) => {
      if (body.kind === 'delta' && body.round !== undefined && body.shard !== undefined) this.seen.push({ cid: cidToHex(CID.parse(body.cid)), round: body.round, shard: body.shard })
    })
    return channel
  }

  chain (chain: ProviderChain, artifacts: ArtifactStore): ProviderChain {
    return eachResult(chain, {
      commitResult: async (params) => {
        const where = `round ${params.round} shard ${params.shard}`
        const victim = await waitFor(async () => sniffTarget(this.seen, params.round, params.shard, params.sealedCid) as Hex | undefined, this.waitMs, `sniffer: nobody announced a delta of ${where}`)
        const sealed = await artifacts.get(victim, 'delta')
        const opens = await openDelta(sealed, params.salt, { maxBytes: DEFAULT_LIMITS.delta }).then(() => true, () => false)
        this.log.note(`r${params.round} s${params.shard}: fetched announced sealed delta ${victim.slice(0, 14)}… (${sealed.length} bytes; its own key ${opens ? 'opens' : 'does not open'} it), committed it as its own`)
        this.taken.set(shardKey(params.round, params.shard), victim)
        return await one(chain).commitResult({ ...params, sealedCid: victim })
      },
      revealResult: async (params) => {
        const sealedCid = this.taken.get(shardKey(params.round, params.shard)) ?? params.sealedCid
        const victim = (await othersRevealed(chain, params)).find((r) => r.sealedCid.toLowerCase() === sealedCid.toLowerCase())
        if (victim === undefined) throw new AttackerRefusal(`sniffer: waiting for the replica whose delta it took to reveal (round ${params.round} shard ${params.shard})`)
        this.log.note(`r${params.round} s${params.shard}: revealed replica ${victim.replica}'s fingerprint over the taken sealed delta`)
        await one(chain).revealResult({ ...params, sealedCid, fingerprint: victim.fingerprint })
      }
    })
  }
}

/**
 * The stale proposer trains honestly and, each time a round it won is decided (when it signs a
 * version of it), first proposes that content on the head's parent and replays it for the previous
 * round (`staleProposals`); the registry is expected to refuse both. It then signs as asked.
 */
export function staleChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  const tried = new Set<bigint>()
  return {
    ...chain,
    signVersion: async (content) => {
      if (!tried.has(content.round)) {
        tried.add(content.round)
        const headParent = (await chain.readVersion(content.parent)).parent
        for (const stale of staleProposals(Number(content.round), headParent)) {
          const what = `r${content.round}: stale proposal for round ${stale.round} on parent ${stale.parent}`
          try {
            const { versionId } = await chain.proposeVersion(content.taskId, stale.round, stale.parent, content.data, [], [])
            log.note(`${what} ACCEPTED as version ${versionId}`)
          } catch (error) {
            log.note(`${what} refused: ${firstLine(error)}`)
          }
        }
      }
      return await chain.signVersion(content)
    }
  }
}

/**
 * The whale's accounts commit only where two of them were drawn together (and then reveal one
 * sign-flipped delta, the trainer's `sybil`). Drawn alone beside honest replicas, an account does
 * not show: the shard runs again with one more replica, a new draw that may put two of its
 * accounts together, for the price of a liveness deposit.
 */
export function whaleChain (chain: ProviderChain, collusion: Collusion, log: AttackLog): ProviderChain {
  return eachResult(chain, {
    commitResult: async (params) => {
      const { attempt, providers } = await shardNow(chain, params.taskId, params.round, params.shard)
      if (coAssigned(providers, collusion.ring())) return await one(chain).commitResult(params)
      log.note(`r${params.round} s${params.shard} attempt ${attempt}: drawn alone, no-show to redraw`)
      throw new AttackerRefusal('whale: alone on this attempt, not committing')
    }
  })
}

/** The round's winners (every accepted shard's last accepted attempt, lowercase) and the accepted results a proposal lists. */
async function roundInputs (chain: ProviderChain, taskId: bigint, round: number): Promise<{ winners: Set<string>, results: AcceptedResult[] }> {
  const shards = await winnerReveals(await chain.readAccepted(taskId, round), async (a) => await chain.readRevealed(taskId, round, a.shard, a.attempt))
  const reveals = shards.flatMap((s) => s.reveals.map((r) => ({ shard: s.shard, ...r })))
  return { winners: new Set(reveals.map((r) => r.provider.toLowerCase())), results: acceptedResults(reveals) }
}

/**
 * The colluding ring. Its version lies about its bytes: the model CID names the round's update
 * reversed (`reversedModel`), while the commit hash, delta root and data hash are what the accepted
 * deltas give (the registry checks the root, and a winner that compared only the commit hash
 * would sign it). The first time any ring member is asked to sign a round's version (proposing
 * it, as the impatient member does at once, or endorsing the aggregator's), the ring proposes its
 * own instead, signed by every member that is a winner; members then never challenge it and never
 * sign another, which keeps them clear of equivocation reports.
 */
export function colludingChain (chain: ProviderChain, collusion: Collusion, artifacts: ArtifactStore, log: AttackLog): ProviderChain {
  const forge = async (content: VersionContent): Promise<VersionContent> => {
    const modelCid = await collusion.once(`forge/${content.taskId}/${content.round}/${content.data.modelCid}`, async () => {
      const parent = decodeVersion(await artifacts.get((await chain.readVersion(content.parent)).modelCid, 'model'))
      const honest = decodeVersion(await artifacts.get(content.data.modelCid, 'model'))
      return await artifacts.put(encodeVersion({ weights: reversedModel(parent.weights, honest.weights), momentum: honest.momentum }), 'model')
    })
    return { ...content, data: { ...content.data, modelCid } }
  }
  const proposeForged = async (honest: VersionContent): Promise<{ versionId: bigint, final: boolean }> => await collusion.once(`propose/${honest.taskId}/${honest.round}`, async () => {
    const content = await forge(honest)
    const round = Number(content.round)
    const { winners, results } = await roundInputs(chain, content.taskId, round)
    const signers = [...collusion.members].filter(([account]) => winners.has(account)).sort(([a], [b]) => (a < b ? -1 : 1))
    const signatures = await Promise.all(signers.map(async ([, member]) => ({ signer: member.account, signature: await member.signVersion(content) })))
    const proposed = await chain.proposeVersion(content.taskId, round, content.parent, content.data, signatures, results)
    collusion.forged.add(proposed.versionId)
    log.note(`r${round}: proposed version ${proposed.versionId}, the reversed model under the honest commit hash, signed by ${signatures.length} of the ring`)
    return proposed
  })
  return {
    ...chain,
    signVersion: async (content) => {
      await proposeForged(content).catch((error: unknown) => { log.note(`r${content.round}: the ring's proposal failed: ${firstLine(error)}`) })
      return await chain.signVersion(await forge(content))
    },
    proposeVersion: async (taskId, round, parent, data) => await proposeForged({ taskId, round: BigInt(round), parent, data }),
    challengeVersion: async (versionId, claim) => {
      if (!collusion.forged.has(versionId)) return await chain.challengeVersion(versionId, claim)
      log.note(`version ${versionId}: the ring's own, endorsed instead of checked`)
    },
    confirmVersion: async (versionId) => {
      log.note(`version ${versionId}: withheld its signature from a version not the ring's`)
      throw new AttackerRefusal('colluder: signs only the ring\'s version')
    }
  }
}

/** How many results and versions each Sybil challenger contests per round: enough to grief, few enough for the referee to judge in time. */
const GRIEFS_PER_ROUND = 1
const GRIEF_INTERVAL_MS = 2000

/**
 * A Sybil challenger trains honestly and, every couple of seconds, files bonded
 * challenges against other providers' accepted results (ResultChallenges commit + challenge) and
 * against versions the ring did not propose (`challengeVersion` with a made-up claim), each target
 * once for the whole ring. Every one should be dismissed and its bond lost.
 */
export function griefingChain (chain: ProviderChain, collusion: Collusion, log: AttackLog): ProviderChain {
  const filed = new Map<string, number>()
  const file = async (key: string, what: string, round: number, challenge: () => Promise<unknown>): Promise<void> => {
    const perRound = `${key.split('/')[0]}/${round}`
    if ((filed.get(perRound) ?? 0) >= GRIEFS_PER_ROUND || collusion.has(key)) return
    filed.set(perRound, (filed.get(perRound) ?? 0) + 1)
    await collusion.once(key, async () => {
      try {
        await challenge()
        log.note(`r${round}: challenged ${what}`)
      } catch (error) {
        log.note(`r${round}: challenge of ${what} refused: ${firstLine(error)}`)
      }
    })
  }
  const grieve = async (taskId: bigint): Promise<void> => {
    const task = await chain.readTask(taskId)
    if (task.status !== 'Running') return
    const round = task.currentRound
    const ring = collusion.ring()
    for (const proposal of await chain.readProposals(taskId, round)) {
      if (ring.has(proposal.aggregator.toLowerCase())) continue
      const claim = keccak256(bytesToHex(new TextEncoder().encode(`grief ${proposal.versionId}`)))
      await file(`version/${proposal.versionId}`, `version ${proposal.versionId}`, round, async () => { await chain.challengeVersion(proposal.versionId, claim) })
    }
    const slots: ResultSlot[] = []
    for (const a of await chain.readAccepted(taskId, round)) {
      for (const r of await chain.readRevealed(taskId, round, a.shard, a.attempt)) if ((a.winnersMask >> r.replica) & 1) slots.push({ round, shard: a.shard, attempt: a.attempt, replica: r.replica, provider: r.provider })
    }
    for (const slot of griefTargets(slots, ring, (key) => collusion.has(`result/${key}`))) {
      await file(`result/${slotKey(slot)}`, `the result of ${slot.provider.slice(0, 10)} (shard ${slot.shard} attempt ${slot.attempt} replica ${slot.replica})`, round, async () => {
        await chain.challengeResult({ taskId, ...slot }, keccak256(bytesToHex(new TextEncoder().encode(`grief ${slotKey(slot)}`))))
      })
    }
  }
  // Passes run inside the loop's own reads, so its challenges never race the loop's transactions for a nonce.
  let nextPass = 0
  return {
    ...chain,
    readRound: async (taskId, round) => {
      const state = await chain.readRound(taskId, round)
      if (Date.now() >= nextPass) {
        nextPass = Date.now() + GRIEF_INTERVAL_MS
        await grieve(taskId).catch((error: unknown) => { log.note(`grief pass failed: ${firstLine(error)}`) })
      }
      return state
    }
  }
}

/** Junk tasks each spamming account creates: a handful, so a run stays short. */
const SPAM_TASKS = 2

/**
 * A hostile creator: each of its accounts never joins the real task. It tries to pin junk under
 * the real task (the pinner should refuse a wallet that is not a member), then creates
 * `SPAM_TASKS` cheap tasks whose spec, data set and initial model are random bytes (the chain
 * checks none of them), pinning each junk spec as a creator does before `createTask` (task 0).
 * It can only spend.
 */
export function spammingChain (chain: ProviderChain, ctx: WriteContext, pinFor: (taskId: string) => ArtifactStore, real: bigint, spec: TaskSpec, log: AttackLog): ProviderChain {
  const rng = new Rng(Number(BigInt(chain.account) & 0xffff_ffffn))
  const junk = async (): Promise<{ bytes: Uint8Array, cid: Hex }> => {
    const bytes = Uint8Array.from({ length: 512 }, () => rng.nextUint32() & 0xff)
    return { bytes, cid: bytesToHex((await rawCid(bytes)).bytes) }
  }
  const pin = async (taskId: string, bytes: Uint8Array): Promise<string> => await pinFor(taskId).put(bytes, 'spec').then(() => 'pinned', (error: unknown) => `refused: ${firstLine(error)}`)
  const spam = async (): Promise<void> => {
    log.note(`junk under the real task ${real}: ${await pin(real.toString(), (await junk()).bytes)}`)
    for (let i = 0; i < SPAM_TASKS; i++) {
      const [specBlob, data, model] = [await junk(), await junk(), await junk()]
      const pinned = await pin('0', specBlob.bytes)
      const { taskId } = await createTask(ctx, {
        specCid: specBlob.cid, datasetCid: data.cid, initialModelCid: model.cid, initialCommitHash: keccak256(model.bytes), initialDataHash: keccak256(data.bytes), parentVersion: 0n, parentData: NO_PARENT_DATA,
        rounds: 1, shards: 1, replication: 2, maxReplication: 2, fingerprintLength: spec.fingerprint.length, confirmations: 1, tolerance: spec.fingerprint.tolerance,
        joinWindow: 30, commitWindow: 600, revealWindow: 600, aggregateWindow: 600, challengeWindow: 600,
        rewardPerResult: parseEther('1'), minStake: parseEther('100'), ...declaredResources(defineTask(spec).cost), name: `junk ${i}`, description: ''
      })
      log.note(`created junk task ${taskId} (junk spec ${pinned})`)
    }
  }
  let spammed: Promise<void> | undefined
  return {
    ...chain,
    joinTask: async () => {
      await (spammed ??= spam().catch((error: unknown) => { log.note(`spam failed: ${firstLine(error)}`) }))
      throw new AttackerRefusal('spammer: a hostile creator, never joins the real task')
    }
  }
}

/** What a Byzantine provider runs with in place of the honest trainer, chain and gossip. */
export interface Adversary {
  trainer: Trainer
  chain: ProviderChain
  gossip: (channel: TaskChannel) => TaskChannel
  /** the loop's wait for the round's first winner before proposing itself, where the attack cannot wait */
  aggregatorTimeoutMs?: number
}

/** Wraps one provider's trainer, chain and gossip for `opts.attack`. */
export function adversary (opts: Omit<ByzantineTrainerOptions, 'account' | 'kept' | 'stale' | 'guessSeed' | 'drawn'> & {
  chain: ProviderChain
  ctx: WriteContext
  artifacts: ArtifactStore
  /** this participant's artifacts pinned under another task (the spammer's) */
  pinFor: (taskId: string) => ArtifactStore
  taskId: bigint
}): Adversary {
  const kept = new Map<string, WeightSet>()
  const { chain, log, collusion, taskId } = opts
  collusion.join(chain)
  const trainer = byzantineTrainer({
    ...opts,
    account: chain.account,
    kept,
    stale: staleDeltaReader(chain, opts.artifacts, taskId),
    // σ comes from the block of the attempt's last commit: before committing, the latest block's hash is the best guess.
    guessSeed: async (round, shard, attempt) => fingerprintSeedOf({ seedBlockHash: (await opts.ctx.publicClient.getBlock({ blockTag: 'latest' })).hash, taskId, round, shard, attempt }),
    drawn: async (round, shard) => (await shardNow(chain, taskId, round, shard)).providers
  })
  const plain = { trainer, chain, gossip: (channel: TaskChannel) => channel }
  switch (opts.attack) {
    // Impatient: it proposes as soon as the round is decided, before the first winner's turn.
    case 'collude': return { ...plain, chain: colludingChain(chain, collusion, opts.artifacts, log), aggregatorTimeoutMs: 0 }
    case 'sybilchallenge': return { ...plain, chain: griefingChain(chain, collusion, log) }
    case 'sybil': return { ...plain, chain: whaleChain(chain, collusion, log) }
    case 'spam': return { ...plain, chain: spammingChain(chain, opts.ctx, opts.pinFor, taskId, opts.spec, log) }
    case 'copy': return { ...plain, chain: copyingChain(chain, opts.ctx, log) }
    case 'noshow': return { ...plain, chain: noShowChain(chain, log) }
    case 'withhold': return { ...plain, chain: withholdingChain(chain, log) }
    case 'junk': return { ...plain, chain: junkChain(chain, log) }
    case 'poison': return { ...plain, chain: poisonChain(chain, opts.spec, kept, log) }
    case 'stale': return { ...plain, chain: staleChain(chain, log) }
    case 'sniff': {
      const sniffer = new Sniffer(log)
      return { trainer, chain: sniffer.chain(chain, opts.artifacts), gossip: (channel) => sniffer.listen(channel) }
    }
    default: return plain
  }
}
