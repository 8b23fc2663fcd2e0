import type { Address, Hex } from 'viem'
import { ConsensusVerifierAbi, ModelRegistryAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { readTask, type TaskState } from './readTask.ts'
import type { ReadContext } from './types.ts'

export const SHARD_STATUSES = ['Open', 'Accepted', 'Failed', 'Disputed'] as const
export type ShardStatusName = typeof SHARD_STATUSES[number]

/** One shard of a round as `ConsensusVerifier.assignment` reports it (its current attempt). */
export interface ShardState {
  shard: number
  /** Re-queues count up from 0. */
  attempt: number
  status: ShardStatusName
  /** The provider of each replica slot, in slot order. */
  providers: Address[]
  /**
   * Unix seconds, counted from the start of the shard's current attempt: the round's start for the
   * first attempt (the verifier keeps every round's start, so past rounds report true deadlines),
   * the re-queue's time for later ones.
   */
  commitDeadline: bigint
  revealDeadline: bigint
  /** When the referee's window on a split ends (a reveal window after the reveal deadline). */
  refereeDeadline: bigint
  /** Block in which the current attempt started (0n before the round started); its events come later. */
  startBlock: bigint
  /** Bit i set when replica i committed / revealed. */
  committedMask: number
  revealedMask: number
}

export interface RoundState {
  taskId: bigint
  round: number
  /** The draw's seed: zero until the block after the round's start is mined (nobody is drawn until then). */
  seed: Hex
  /** Whether this is the task's current round (and the task is running). */
  current: boolean
  /** Shards decided (accepted or failed). */
  decidedShards: number
  /** When the last shard was decided (0 if not yet). */
  decidedAt: bigint
  /** The round's final version in the ModelRegistry (0n when none). */
  versionId: bigint
  shards: ShardState[]
}

/** Reads a round of a task (the current round unless `round` is given) with every shard's assignment. */
export async function readRound (
  ctx: ReadContext,
  params: { taskId: bigint, round?: number, task?: TaskState }
): Promise<RoundState> {
  const task = params.task ?? await readTask(ctx, { taskId: params.taskId })
  return await asAction('readRound', async () => {
    const { taskId } = params
    const round = params.round ?? task.currentRound
    const current = task.status === 'Running' && round === task.currentRound
    const [seed, [, roundStartBlock], progress, versionId] = await Promise.all([
      ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'roundSeed', args: [taskId, BigInt(round)] }),
      ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'roundStarts', args: [taskId, BigInt(round)] }),
      ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'roundProgress', args: [taskId] }),
      ctx.publicClient.readContract({ address: ctx.contracts.ModelRegistry, abi: ModelRegistryAbi, functionName: 'roundVersion', args: [taskId, BigInt(round)] })
    ])
    const started = roundStartBlock !== 0n
    const shards = started
      ? await Promise.all(Array.from({ length: task.shards }, async (_, shard): Promise<ShardState> => {
        const args = [taskId, BigInt(round), BigInt(shard)] as const
        const [[providers, attempt, status, commitDeadline, revealDeadline, committedMask, revealedMask], [, , startBlock]] = await Promise.all([
          ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'assignment', args }),
          ctx.publicClient.readContract({ address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi, functionName: 'attemptStart', args })
        ])
        return {
          shard,
          attempt: Number(attempt),
          status: SHARD_STATUSES[status] ?? 'Open',
          providers: [...providers],
          commitDeadline: BigInt(commitDeadline),
          revealDeadline: BigInt(revealDeadline),
          refereeDeadline: 2n * BigInt(revealDeadline) - BigInt(commitDeadline),
          startBlock: BigInt(startBlock),
          committedMask: Number(committedMask),
          revealedMask: Number(revealedMask)
        }
      }))
      : []
    // roundProgress describes the verifier's latest round; earlier rounds were fully decided.
    const [progressRound, decided, decidedAt] = progress
    const isLatest = Number(progressRound) === round && started
    return {
      taskId,
      round,
      seed,
      current,
      decidedShards: isLatest ? Number(decided) : (started ? task.shards : 0),
      decidedAt: isLatest ? BigInt(decidedAt) : 0n,
      versionId,
      shards
    }
  })
}
