import type { Address, ContractFunctionName, ContractFunctionParameters, Hex, ReadContractReturnType } from 'viem'
import { ConsensusVerifierAbi } from '../generated/abis.ts'
import { asAction } from './errors.ts'
import { MULTICALL } from './multicall.ts'
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

type VerifierRead = ContractFunctionName<typeof ConsensusVerifierAbi, 'view' | 'pure'>
/** a verifier read among others of other functions in one multicall, whose results come back by position */
type VerifierCall = ContractFunctionParameters<typeof ConsensusVerifierAbi, 'view' | 'pure', VerifierRead>
type Returned<F extends VerifierRead> = ReadContractReturnType<typeof ConsensusVerifierAbi, F>

/** Reads a round of a task (the current round unless `round` is given) with every shard's assignment. */
export async function readRound (
  ctx: ReadContext,
  params: { taskId: bigint, round?: number, task?: TaskState }
): Promise<RoundState> {
  const task = params.task ?? await readTask(ctx, { taskId: params.taskId })
  const [state] = await readRounds(ctx, { taskId: params.taskId, rounds: [params.round ?? task.currentRound], task })
  return state!
}

/**
 * Reads rounds of a task with every shard's assignment in two calls however many rounds and shards
 * there are: one multicall (deployless, so a chain needs no Multicall3 contract) for the rounds,
 * then one for the shards of the rounds that started.
 */
export async function readRounds (
  ctx: ReadContext,
  params: { taskId: bigint, rounds: readonly number[], task?: TaskState }
): Promise<RoundState[]> {
  const task = params.task ?? await readTask(ctx, { taskId: params.taskId })
  return await asAction('readRound', async () => {
    const { taskId, rounds } = params
    const verifier = { address: ctx.contracts.ConsensusVerifier, abi: ConsensusVerifierAbi } as const
    // a round's start and its final version share one record
    const roundCalls: VerifierCall[] = [{ ...verifier, functionName: 'roundProgress', args: [taskId] }]
    for (const round of rounds) {
      roundCalls.push({ ...verifier, functionName: 'roundSeed', args: [taskId, BigInt(round)] }, { ...verifier, functionName: 'roundStarts', args: [taskId, BigInt(round)] })
    }
    const [progressOut, ...byRound]: readonly unknown[] = await ctx.publicClient.multicall({ ...MULTICALL, contracts: roundCalls })
    const progress = progressOut as Returned<'roundProgress'>
    const seeds = rounds.map((_, i) => byRound[2 * i] as Returned<'roundSeed'>)
    const starts = rounds.map((_, i) => byRound[2 * i + 1] as Returned<'roundStarts'>)
    const started = rounds.filter((_, i) => starts[i]![1] !== 0n)
    const slots = started.flatMap((round) => Array.from({ length: task.shards }, (_, shard) => [taskId, BigInt(round), BigInt(shard)] as const))
    const byShard: readonly unknown[] = slots.length === 0
      ? []
      : await ctx.publicClient.multicall({
        ...MULTICALL,
        contracts: slots.flatMap((args): VerifierCall[] => [{ ...verifier, functionName: 'assignment', args }, { ...verifier, functionName: 'attemptStart', args }])
      })
    const shardsOf = (round: number): ShardState[] => {
      const first = started.indexOf(round) * task.shards
      if (first < 0) return []
      return Array.from({ length: task.shards }, (_, shard): ShardState => {
        const [providers, attempt, status, commitDeadline, revealDeadline, committedMask, revealedMask] = byShard[2 * (first + shard)] as Returned<'assignment'>
        const [, , startBlock] = byShard[2 * (first + shard) + 1] as Returned<'attemptStart'>
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
      })
    }
    // roundProgress describes the verifier's latest round; earlier rounds were fully decided.
    const [progressRound, decided, decidedAt] = progress
    return rounds.map((round, i): RoundState => {
      const isStarted = starts[i]![1] !== 0n
      const isLatest = Number(progressRound) === round && isStarted
      return {
        taskId,
        round,
        seed: seeds[i]!,
        current: task.status === 'Running' && round === task.currentRound,
        decidedShards: isLatest ? Number(decided) : (isStarted ? task.shards : 0),
        decidedAt: isLatest ? BigInt(decidedAt) : 0n,
        versionId: starts[i]![2],
        shards: shardsOf(round)
      }
    })
  })
}
