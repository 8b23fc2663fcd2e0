/**
 * Byzantine providers: a real `ProviderLoop` whose `Trainer` (and, for `copy`, whose
 * `ProviderChain`) is wrapped so that it submits an attack instead of its honest work. The loop
 * itself is unchanged: everything it does on chain is what an attacker running the client would do.
 */
import type { Hex } from 'viem'
import { readResultCommitment, readRound, revealResult, submitCommitment, type WriteContext } from '../../src/chain/actions/index.ts'
import { decodeDelta, encodeDelta } from '../../src/core/delta/codec.ts'
import { openDelta } from '../../src/core/delta/seal.ts'
import { stepSeed } from '../../src/core/sampling.ts'
import type { TaskSpec } from '../../src/core/taskSpec.ts'
import { l2Norm, zerosLike, type WeightLayout, type WeightSet } from '../../src/core/tensors.ts'
import type { ArtifactStore, ProviderChain, Trainer } from '../../src/provider/types.ts'
import type { TrainShardResult } from '../../src/train/trainShard.ts'
import { DEFAULT_LIMITS } from '../../src/storage/limits.ts'
import { alieDelta, alieZ, ipmDelta, lazyDelta, noiseDelta, signFlipDelta, type Attack } from './attacks.ts'

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
  log: AttackLog
}

/**
 * A Trainer that trains honestly (except `lazy` and `copy`, which skip the work) and returns the
 * attack's delta. The request carries only the shard's step seed: the round is recovered from it.
 */
/** ConsensusVerifier.MAX_ATTEMPTS: every attempt of a shard has its own step seed. */
const MAX_ATTEMPTS = 4

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
      if (opts.attack === 'copy') {
        // The copier never trains: it will copy another replica's commitment (see copyingChain).
        return { delta: encode(zero), metrics: idle() }
      }
      if (opts.attack === 'lazy') {
        const stale = await opts.stale(at.round)
        opts.log.note(`r${at.round} s${at.shard}: ${stale === undefined ? 'zero delta' : 'stale delta of the previous round'}`)
        return { delta: stale ?? encode(lazyDelta(zero)), metrics: idle() }
      }
      const result = await opts.inner.train(request, options)
      const honest = decodeDelta(result.delta, { expected: opts.layout, maxBytes })
      opts.collusion.add(at.round, honest)
      const pool = opts.collusion.honest(at.round)
      let bad: WeightSet
      switch (opts.attack) {
        case 'noise': bad = noiseDelta(honest, l2Norm(honest), request.seed); break
        case 'signflip': bad = signFlipDelta(honest); break
        case 'ipm': bad = ipmDelta(pool, IPM_EPSILON); break
        case 'alie': bad = alieDelta(pool, alieZ(opts.n, opts.f)); break
      }
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

/**
 * A ProviderChain that, instead of committing its own result, copies the commitment another replica
 * of the same shard sent, and at reveal time replays that replica's reveal (CIDs, fingerprint and
 * salt, from its `Revealed` event). The commitment binds the sender, so the replay is refused
 * with `CommitmentMismatch`: the copier never reveals and is never paid.
 */
export function copyingChain (chain: ProviderChain, ctx: WriteContext, log: AttackLog, opts: { waitMs?: number } = {}): ProviderChain {
  const waitMs = opts.waitMs ?? 120_000
  const attemptOf = async (taskId: bigint, round: number, shard: number): Promise<{ attempt: number, providers: readonly unknown[] }> => {
    const state = (await readRound(ctx, { taskId, round })).shards[shard]
    if (state === undefined) throw new Error(`copier: round ${round} has no shard ${shard}`)
    return state
  }
  const victimSlot = async (taskId: bigint, round: number, shard: number, replica: number): Promise<{ attempt: number, replica: number, commitment: Hex } | undefined> => {
    const { attempt, providers } = await attemptOf(taskId, round, shard)
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
      const deadline = Date.now() + waitMs
      let victim = await victimSlot(params.taskId, params.round, params.shard, params.replica)
      while (victim === undefined) {
        if (Date.now() > deadline) throw new Error(`copier: nobody committed to round ${params.round} shard ${params.shard} to copy from`)
        await new Promise((resolve) => setTimeout(resolve, 250))
        victim = await victimSlot(params.taskId, params.round, params.shard, params.replica)
      }
      const { receipt } = await submitCommitment(ctx, { taskId: params.taskId, round: params.round, shard: params.shard, replica: params.replica, commitment: victim.commitment })
      log.note(`r${params.round} s${params.shard}: copied replica ${victim.replica}'s commitment ${victim.commitment.slice(0, 10)}…`)
      return { ...params, attempt: victim.attempt, commitment: victim.commitment, receipt }
    },
    revealResult: async (params) => {
      const { attempt } = await attemptOf(params.taskId, params.round, params.shard)
      const revealed = await chain.readRevealed(params.taskId, params.round, params.shard, attempt)
      const victim = revealed.find((r) => r.replica !== params.replica)
      if (victim === undefined) throw new Error(`copier: waiting for another replica of round ${params.round} shard ${params.shard} to reveal`)
      log.note(`r${params.round} s${params.shard}: replaying replica ${victim.replica}'s reveal`)
      await revealResult(ctx, { ...params, deltaCid: victim.deltaCid, sealedCid: victim.sealedCid, fingerprint: victim.fingerprint, salt: victim.salt })
    }
  }
}
