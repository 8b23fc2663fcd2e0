/**
 * Byzantine providers: a real `ProviderLoop` whose `Trainer`, and for the attacks that act on chain
 * its `ProviderChain` (and the sniffer its gossip), are wrapped so that it submits an attack instead
 * of its honest work. The loop itself is unchanged: everything it does on chain is what an attacker
 * running the client would do.
 */
import { CID } from 'multiformats/cid'
import type { Hex } from 'viem'
import { readResultCommitment, revealResult, submitCommitment, type WriteContext } from '../../src/chain/actions/index.ts'
import { decodeDelta, encodeDelta } from '../../src/core/delta/codec.ts'
import { openDelta } from '../../src/core/delta/seal.ts'
import { errorMessage, errorKind } from '../../src/core/errors.ts'
import { taskFingerprint } from '../../src/core/fingerprint.ts'
import { stepSeed } from '../../src/core/sampling.ts'
import type { TaskSpec } from '../../src/core/taskSpec.ts'
import { l2Norm, zerosLike, type WeightLayout, type WeightSet } from '../../src/core/tensors.ts'
import type { TaskChannel } from '../../src/p2p/index.ts'
import { cidToHex } from '../../src/provider/artifacts.ts'
import type { ArtifactStore, ProviderChain, Trainer } from '../../src/provider/types.ts'
import type { TrainShardResult } from '../../src/train/trainShard.ts'
import { DEFAULT_LIMITS } from '../../src/storage/limits.ts'
import {
  alieDelta, alieZ, FREE_RIDERS, ipmDelta, junkFingerprint, lazyDelta, noiseDelta, signFlipDelta, sniffTarget, staleProposals,
  type Attack, type DeltaAnnouncement
} from './attacks.ts'

/** An attacker declining a step of the protocol (the loop reports it and retries on a later tick). */
export class AttackerRefusal extends errorKind('ATTACKER_REFUSAL') {
  override name = 'AttackerRefusal'
}

/** How far IPM pushes against the honest mean (the paper's "large epsilon" setting flips the sign). */
export const IPM_EPSILON = 0.5

/** What the colluding attackers share: the honest deltas each computed, by round. */
export class Collusion {
  private readonly byRound = new Map<number, WeightSet[]>()
  add (round: number, delta: WeightSet): void {
    this.byRound.set(round, [...(this.byRound.get(round) ?? []), delta])
  }

  honest (round: number): WeightSet[] { return this.byRound.get(round) ?? [] }
}

/** One attacker's record of what it did, for the report (a note repeated on every retry is kept once). */
export class AttackLog {
  readonly notes: string[] = []
  note (text: string): void {
    if (!this.notes.includes(text)) this.notes.push(text)
  }
}

interface ByzantineTrainerOptions {
  attack: Attack
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
  log: AttackLog
}

/** ConsensusVerifier.MAX_ATTEMPTS: every attempt of a shard has its own step seed. */
const MAX_ATTEMPTS = 4

const shardKey = (round: number, shard: number): string => `${round}/${shard}`

/** The update an attack sends in place of the honest one it trained; undefined: the honest one (the attack is on chain). */
function attackDelta (attack: Attack, honest: WeightSet, pool: readonly WeightSet[], seed: number, n: number, f: number): WeightSet | undefined {
  switch (attack) {
    case 'noise': return noiseDelta(honest, l2Norm(honest), seed)
    case 'signflip': case 'poison': return signFlipDelta(honest)
    case 'ipm': return ipmDelta(pool, IPM_EPSILON)
    case 'alie': return alieDelta(pool, alieZ(n, f))
    default: return undefined
  }
}

/**
 * A Trainer that trains honestly (except the attacks that skip the work) and returns the attack's
 * delta. The request carries only the shard's step seed: the round is recovered from it.
 */
export function byzantineTrainer (opts: ByzantineTrainerOptions): Trainer {
  const where = new Map<number, { round: number, shard: number }>()
  for (let round = 0; round < opts.rounds; round++) {
    for (let shard = 0; shard < opts.shards; shard++) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) where.set(stepSeed(opts.spec, round, shard, attempt), { round, shard })
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
      if (opts.attack === 'lazy') {
        const stale = await opts.stale(at.round)
        opts.log.note(`r${at.round} s${at.shard}: ${stale === undefined ? 'zero delta' : 'stale delta of the previous round'}`)
        return { delta: stale ?? encode(lazyDelta(zero)), metrics: idle() }
      }
      // The other free riders submit someone else's work, nothing, or junk: the zero delta is a placeholder.
      if (FREE_RIDERS.has(opts.attack)) return { delta: encode(zero), metrics: idle() }
      const result = await opts.inner.train(request, options)
      const honest = decodeDelta(result.delta, { expected: opts.layout, maxBytes })
      opts.collusion.add(at.round, honest)
      opts.kept.set(shardKey(at.round, at.shard), honest)
      const pool = opts.collusion.honest(at.round)
      const bad = attackDelta(opts.attack, honest, pool, request.seed, opts.n, opts.f)
      if (bad === undefined) return result
      opts.log.note(`r${at.round} s${at.shard}: ${opts.attack} (pool of ${pool.length} honest deltas)`)
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
async function shardNow (chain: ProviderChain, taskId: bigint, round: number, shard: number): Promise<{ attempt: number, providers: readonly unknown[] }> {
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
  return {
    ...chain,
    commitResult: async (params) => {
      const victim = await waitFor(async () => await victimSlot(params.taskId, params.round, params.shard, params.replica), waitMs, `copier: nobody committed to round ${params.round} shard ${params.shard} to copy from`)
      const { receipt } = await submitCommitment(ctx, { taskId: params.taskId, round: params.round, shard: params.shard, replica: params.replica, commitment: victim.commitment })
      log.note(`r${params.round} s${params.shard}: copied replica ${victim.replica}'s commitment ${victim.commitment.slice(0, 10)}…`)
      return { ...params, attempt: victim.attempt, commitment: victim.commitment, receipt }
    },
    revealResult: async (params) => {
      const [victim] = await othersRevealed(chain, params)
      if (victim === undefined) throw new AttackerRefusal(`copier: waiting for another replica of round ${params.round} shard ${params.shard} to reveal`)
      log.note(`r${params.round} s${params.shard}: replaying replica ${victim.replica}'s reveal`)
      await revealResult(ctx, { ...params, deltaCid: victim.deltaCid, sealedCid: victim.sealedCid, fingerprint: victim.fingerprint, salt: victim.salt })
    }
  }
}

/** The no-show: joined and staked, drawn, then never commits (its slots go missing). */
export function noShowChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  return {
    ...chain,
    commitResult: async (params) => {
      log.note(`r${params.round} s${params.shard}: drawn, never committed`)
      throw new AttackerRefusal('no-show: not committing')
    }
  }
}

/**
 * The withholder commits its honest result and never reveals it. Revealing only when no other
 * replica revealed first would be honest work in those shards, so always withholding is the
 * stronger version; it records whether another replica had revealed when it declined.
 */
export function withholdingChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  return {
    ...chain,
    revealResult: async (params) => {
      const others = await othersRevealed(chain, params)
      log.note(`r${params.round} s${params.shard}: withheld${others.length === 0 ? ' (nobody revealed yet)' : ' after another replica revealed'}`)
      throw new AttackerRefusal('withholder: not revealing')
    }
  }
}

/** The junk revealer commits an untrained delta and reveals random int32s as its fingerprint. */
export function junkChain (chain: ProviderChain, log: AttackLog): ProviderChain {
  return {
    ...chain,
    revealResult: async (params) => {
      const fingerprint = junkFingerprint(params.fingerprint.length, Number(BigInt(params.salt) & 0xffff_ffffn))
      log.note(`r${params.round} s${params.shard}: revealed a junk fingerprint`)
      await chain.revealResult({ ...params, fingerprint })
    }
  }
}

/**
 * The poisoned pin: the committed and pinned delta is the sign-flipped update (the trainer's
 * `poison`), but the reveal carries the fingerprint of the honest delta this attacker trained,
 * under the attempt's seed, so the vote sees an honest replica. Only the bytes betray it.
 */
export function poisonChain (chain: ProviderChain, spec: TaskSpec, kept: ReadonlyMap<string, WeightSet>, log: AttackLog): ProviderChain {
  return {
    ...chain,
    revealResult: async (params) => {
      const honest = kept.get(shardKey(params.round, params.shard))
      if (honest === undefined) throw new Error(`poisoner: no honest delta kept for round ${params.round} shard ${params.shard}`)
      const { attempt } = await shardNow(chain, params.taskId, params.round, params.shard)
      const seed = await chain.readFingerprintSeed(params.taskId, params.round, params.shard, attempt)
      if (seed === undefined) throw new AttackerRefusal('poisoner: the fingerprint seed is not drawn yet')
      log.note(`r${params.round} s${params.shard}: pinned sign-flipped bytes, revealed the honest fingerprint`)
      await chain.revealResult({ ...params, fingerprint: taskFingerprint(honest, spec, seed) })
    }
  }
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
    return {
      ...chain,
      commitResult: async (params) => {
        const where = `round ${params.round} shard ${params.shard}`
        const victim = await waitFor(async () => sniffTarget(this.seen, params.round, params.shard, params.sealedCid) as Hex | undefined, this.waitMs, `sniffer: nobody announced a delta of ${where}`)
        const sealed = await artifacts.get(victim, 'delta')
        const opens = await openDelta(sealed, params.salt, { maxBytes: DEFAULT_LIMITS.delta }).then(() => true, () => false)
        this.log.note(`r${params.round} s${params.shard}: fetched announced sealed delta ${victim.slice(0, 14)}… (${sealed.length} bytes; its own key ${opens ? 'opens' : 'does not open'} it), committed it as its own`)
        this.taken.set(shardKey(params.round, params.shard), victim)
        return await chain.commitResult({ ...params, sealedCid: victim })
      },
      revealResult: async (params) => {
        const sealedCid = this.taken.get(shardKey(params.round, params.shard)) ?? params.sealedCid
        const victim = (await othersRevealed(chain, params)).find((r) => r.sealedCid.toLowerCase() === sealedCid.toLowerCase())
        if (victim === undefined) throw new AttackerRefusal(`sniffer: waiting for the replica whose delta it took to reveal (round ${params.round} shard ${params.shard})`)
        this.log.note(`r${params.round} s${params.shard}: revealed replica ${victim.replica}'s fingerprint over the taken sealed delta`)
        await chain.revealResult({ ...params, sealedCid, fingerprint: victim.fingerprint })
      }
    }
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
            log.note(`${what} refused: ${errorMessage(error).split('\n')[0] ?? ''}`)
          }
        }
      }
      return await chain.signVersion(content)
    }
  }
}

/** What a Byzantine provider runs with in place of the honest trainer, chain and gossip. */
export interface Adversary {
  trainer: Trainer
  chain: ProviderChain
  gossip: (channel: TaskChannel) => TaskChannel
}

/** Wraps one provider's trainer, chain and gossip for `opts.attack`. */
export function adversary (opts: Omit<ByzantineTrainerOptions, 'kept' | 'stale'> & { chain: ProviderChain, ctx: WriteContext, artifacts: ArtifactStore, taskId: bigint }): Adversary {
  const kept = new Map<string, WeightSet>()
  const { chain, log } = opts
  const trainer = byzantineTrainer({ ...opts, kept, stale: staleDeltaReader(chain, opts.artifacts, opts.taskId) })
  const plain = { trainer, chain, gossip: (channel: TaskChannel) => channel }
  switch (opts.attack) {
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
