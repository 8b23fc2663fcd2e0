/**
 * Disputes: challenges of a result (ResultChallenges) and of a version (ModelRegistry), their
 * verdicts, fraud proofs and what they slashed, one `dispute` row per thing challenged.
 */
import type { Context } from 'ponder:registry'
import { dispute, result, version } from 'ponder:schema'
import { on, feedId } from './feed.ts'
import { resultId } from '../ids.ts'
import { resultKeyOf, resultRefOf } from '../../src/chain/actions/resultRef.ts'
import { NO_QUIET_WINDOW } from '../../src/core/version/quietWindow.ts'

type Slash = typeof dispute.$inferSelect['slashes'][number]
const resultDisputeId = (key: `0x${string}`): string => `result-${key}`
const versionDisputeId = (versionId: bigint): string => `version-${versionId}`

async function close (context: Context, id: string, state: 'upheld' | 'rejected' | 'expired', closedAt: bigint, more: Partial<typeof dispute.$inferInsert> = {}): Promise<void> {
  if (await context.db.find(dispute, { id }) !== null) await context.db.update(dispute, { id }).set({ state, closedAt, ...more })
}

async function addSlash (context: Context, id: string, slash: Slash): Promise<void> {
  if (await context.db.find(dispute, { id }) !== null) await context.db.update(dispute, { id }).set((row) => ({ slashes: [...row.slashes, slash] }))
}

// The commitments hide what they will challenge: the feed keeps them, no row does. Both contracts
// name the event ChallengeCommitted; the feed qualifies it (src/sdk/events.ts).
on('ResultChallenges:ChallengeCommitted', async () => {})
on('ModelRegistry:ChallengeCommitted', async () => {})

on('ResultChallenges:ResultChallenged', async ({ event, context }) => {
  const { taskId, challenger, bond, resolveBy } = event.args
  const ref = resultRefOf(event.args)
  const key = resultKeyOf(ref)
  const accused = (await context.db.find(result, { id: resultId(taskId, ref.round, ref.shard, ref.attempt, ref.replica) }))?.provider ?? null
  const opened = { seq: feedId(event.block.number, event.log.logIndex), openedAt: event.block.timestamp }
  const values = { challenger, bond, resolveBy: BigInt(resolveBy), state: 'open', closedAt: null }
  await context.db.insert(dispute).values({
    id: resultDisputeId(key), kind: 'result', resultKey: key, taskId, round: ref.round, shard: ref.shard, attempt: ref.attempt, replica: ref.replica,
    accused, challenges: 1, slashes: [], ...opened, ...values
  // an older commitment taking an open challenge over keeps its place and deadline; one after the last closed reopens it
  }).onConflictDoUpdate((row) => ({ ...values, ...(row.state === 'open' ? {} : opened), challenges: row.challenges + 1 }))
})

on('ResultChallenges:ResultChallengeResolved', async ({ event, context }) => {
  await close(context, resultDisputeId(event.args.resultKey), event.args.upheld ? 'upheld' : 'rejected', event.block.timestamp)
})

on('ResultChallenges:ResultChallengeExpired', async ({ event, context }) => {
  await close(context, resultDisputeId(event.args.resultKey), 'expired', event.block.timestamp)
})

// A fraud proof upholds the result's open challenge with its claim (ResultChallengeResolved came
// first), leaves one with another claim open for the referee (its row takes the proof's fields),
// or stands alone, bonding nothing: then the prover is the challenger, and the result is named by
// the ResultSlashed that follows in the transaction (recordResultSlash).
on('ResultChallenges:InvalidDeltaProven', async ({ event, context }) => {
  const { resultKey, prover, reporter, deltaHash } = event.args
  const proof = { prover, reporter, deltaHash }
  await context.db.insert(dispute).values({
    id: resultDisputeId(resultKey), kind: 'result', resultKey, challenger: prover, bond: 0n, state: 'upheld', challenges: 0, slashes: [],
    seq: feedId(event.block.number, event.log.logIndex), openedAt: event.block.timestamp, closedAt: event.block.timestamp, ...proof
  }).onConflictDoUpdate(proof)
})

/**
 * ConsensusVerifier.ResultSlashed: a slash an upheld result dispute made (an audit's or a split's
 * names no dispute, and a result is slashed once) is added to it, naming the result a lone fraud
 * proof could not.
 */
export async function recordResultSlash (context: Context, args: { taskId: bigint, round: bigint, shard: bigint, attempt: bigint, replica: bigint, provider: `0x${string}`, amount: bigint }): Promise<void> {
  const ref = resultRefOf(args)
  const id = resultDisputeId(resultKeyOf(ref))
  const row = await context.db.find(dispute, { id })
  if (row === null || row.state !== 'upheld' || row.slashes.some((s) => s.role === 'provider')) return
  await context.db.update(dispute, { id }).set({
    taskId: args.taskId, round: ref.round, shard: ref.shard, attempt: ref.attempt, replica: ref.replica, accused: args.provider,
    slashes: [...row.slashes, { account: args.provider, role: 'provider', amount: args.amount.toString() }]
  })
}

on('ModelRegistry:VersionChallenged', async ({ event, context }) => {
  const { versionId, challenger, claim } = event.args
  await context.db.update(version, { id: versionId }).set({ status: 'Challenged' })
  const v = await context.db.find(version, { id: versionId })
  // the event carries neither bond nor deadline: the challenge's slot has both, read at this block
  const [, bond, resolveBy] = await context.client.readContract({
    abi: context.contracts.ModelRegistry.abi, address: context.contracts.ModelRegistry.address, functionName: 'challenges', args: [versionId]
  })
  const opened = {
    seq: feedId(event.block.number, event.log.logIndex), openedAt: event.block.timestamp, challenger, claim, bond, resolveBy, state: 'open', closedAt: null,
    taskId: v?.taskId ?? null, round: v?.round ?? null, accused: v?.aggregator ?? null
  }
  // a version whose challenge was dismissed may be challenged again within its window
  await context.db.insert(dispute).values({ id: versionDisputeId(versionId), kind: 'version', versionId, challenges: 1, slashes: [], ...opened })
    .onConflictDoUpdate((row) => ({ ...opened, challenges: row.challenges + 1 }))
})

/**
 * A dismissed or lapsed challenge hands the version back to its signers and its quiet window
 * (VersionFinalized follows in the same transaction when it can be final at once), unless it was made final meanwhile.
 */
async function unchallenge (context: Context, versionId: bigint): Promise<void> {
  if ((await context.db.find(version, { id: versionId }))?.status === 'Challenged') await context.db.update(version, { id: versionId }).set({ status: 'Proposed' })
}

on('ModelRegistry:ChallengeResolved', async ({ event, context }) => {
  const { versionId, upheld, bond } = event.args
  await close(context, versionDisputeId(versionId), upheld ? 'upheld' : 'rejected', event.block.timestamp, { bond })
  if (!upheld) await unchallenge(context, versionId)
})

on('ModelRegistry:ChallengeExpired', async ({ event, context }) => {
  const { versionId } = event.args
  await close(context, versionDisputeId(versionId), 'expired', event.block.timestamp)
  await unchallenge(context, versionId)
  // Unjudged, the version has no quiet window left, as the registry records: only a winners' majority finalizes it.
  await context.db.update(version, { id: versionId }).set({ challengeDeadline: NO_QUIET_WINDOW })
})

on('ModelRegistry:VersionSlashed', async ({ event, context }) => {
  await addSlash(context, versionDisputeId(event.args.versionId), { account: event.args.aggregator, role: 'aggregator', amount: event.args.amount.toString() })
})

on('ModelRegistry:CosignerSlashed', async ({ event, context }) => {
  await addSlash(context, versionDisputeId(event.args.versionId), { account: event.args.signer, role: 'cosigner', amount: event.args.amount.toString() })
})

// Reported, not disputed: the feed keeps it, and the distributor's Slashed counts the stake it took.
on('ModelRegistry:Equivocated', async () => {})
