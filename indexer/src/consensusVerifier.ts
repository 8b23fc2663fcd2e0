/** ConsensusVerifier: round decisions, commits, reveals and each shard attempt's outcome. */
import type { Context } from 'ponder:registry'
import { on } from './feed.ts'
import { result, round, shard } from 'ponder:schema'
import { maskReplicas, resultId, roundId, shardId } from '../ids.ts'
import { recordResultSlash } from './disputes.ts'

interface ShardRef { taskId: bigint, round: bigint, shard: bigint, attempt: bigint }

async function setShard (context: Context, ref: ShardRef, values: { status: string, winnersMask?: bigint, resultDigest?: `0x${string}`, evidence?: `0x${string}` }): Promise<void> {
  await context.db.insert(shard)
    .values({ id: shardId(ref.taskId, ref.round, ref.shard, ref.attempt), taskId: ref.taskId, round: Number(ref.round), shard: Number(ref.shard), attempt: Number(ref.attempt), ...values })
    .onConflictDoUpdate(values)
}

/** The winning replicas' results are accepted (their rewards are counted from RewardCredited). */
async function acceptWinners (context: Context, ref: ShardRef, winnersMask: bigint): Promise<void> {
  for (const replica of maskReplicas(winnersMask)) {
    const id = resultId(ref.taskId, ref.round, ref.shard, ref.attempt, replica)
    if (await context.db.find(result, { id }) !== null) await context.db.update(result, { id }).set({ status: 'accepted' })
  }
}

// in the feed only: the round's row comes from RoundStarted
on('ConsensusVerifier:RoundConfigured', async () => {})

on('ConsensusVerifier:RoundDecided', async ({ event, context }) => {
  const id = roundId(event.args.taskId, event.args.round)
  if (await context.db.find(round, { id }) !== null) await context.db.update(round, { id }).set({ decidedAt: event.args.decidedAt })
})

on('ConsensusVerifier:Committed', async ({ event, context }) => {
  const { taskId, round: n, shard: s, attempt, replica, provider, commitment } = event.args
  await setShard(context, event.args, { status: 'open' })
  await context.db.insert(result).values({
    id: resultId(taskId, n, s, attempt, replica), taskId, round: Number(n), shard: Number(s), attempt: Number(attempt), replica: Number(replica), provider, commitment, status: 'committed'
  })
})

on('ConsensusVerifier:Revealed', async ({ event, context }) => {
  const { taskId, round: n, shard: s, attempt, replica, deltaCid, sealedCid } = event.args
  await context.db.update(result, { id: resultId(taskId, n, s, attempt, replica) }).set({ deltaCid, sealedCid, status: 'revealed' })
})

on('ConsensusVerifier:ShardAccepted', async ({ event, context }) => {
  await setShard(context, event.args, { status: 'accepted', winnersMask: event.args.winnersMask, resultDigest: event.args.resultDigest })
  await acceptWinners(context, event.args, event.args.winnersMask)
})

on('ConsensusVerifier:ShardDisputed', async ({ event, context }) => {
  await setShard(context, event.args, { status: 'disputed' })
})

on('ConsensusVerifier:SplitResolved', async ({ event, context }) => {
  await setShard(context, event.args, { status: 'resolved', winnersMask: event.args.winnersMask, evidence: event.args.evidence })
  await acceptWinners(context, event.args, event.args.winnersMask)
})

on('ConsensusVerifier:ShardRequeued', async ({ event, context }) => {
  await setShard(context, event.args, { status: 'requeued' })
})

on('ConsensusVerifier:ShardFailed', async ({ event, context }) => {
  await setShard(context, event.args, { status: 'failed' })
})

on('ConsensusVerifier:ResultSlashed', async ({ event, context }) => {
  const { taskId, round: n, shard: s, attempt, replica } = event.args
  const id = resultId(taskId, n, s, attempt, replica)
  if (await context.db.find(result, { id }) !== null) await context.db.update(result, { id }).set({ status: 'slashed' })
  await recordResultSlash(context, event.args)
})

// The verifier's side of a task's end: the feed keeps it for the task's history.
on('ConsensusVerifier:TaskClosed', async () => {})
