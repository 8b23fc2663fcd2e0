/**
 * What the indexer's REST API answers, as zod schemas: the SDK parses every answer with them, and
 * the indexer (indexer/src/api/query.ts) checks its answers against them and documents them in its
 * OpenAPI document. Amounts and IDs are uint256 on chain, so they travel as decimal strings.
 */
import { TASK_ENDS } from '../core/taskPhase.ts'
import { z } from '../core/zod.ts'
import { EVENT_CONTRACT_NAMES, EVENT_NAMES } from './events.ts'

const hex = z.string().regex(/^0x[0-9a-fA-F]*$/)
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/)
const amount = z.string().regex(/^\d+$/)

/** TaskManager.TaskStatus's names, but None: a task the indexer lists exists. */
export const TASK_STATUS_NAMES = ['Joining', 'Running', 'Completed', 'Cancelled'] as const
export type TaskStatus = typeof TASK_STATUS_NAMES[number]

export const taskSchema = z.object({
  id: amount, creator: address, name: z.string(), description: z.string(), modelId: amount, initialVersionId: amount, specCid: hex, datasetCid: hex, escrow: amount,
  status: z.enum(TASK_STATUS_NAMES),
  rounds: z.number().int(), shards: z.number().int(), replication: z.number().int(), rewardPerResult: amount,
  /** when joining closes, unix seconds */
  joinDeadline: amount,
  /** millions of floating-point operations one result declares (reward over it ranks tasks by pay per hour) */
  trainMflop: z.number().int(),
  currentRound: z.number().int().nullable(), providerCount: z.number().int(), refund: amount.nullable(),
  /** how a closed task ended: `cancelled` by its creator, `underSubscribed` (too few providers to draw) or `stalled` (rounds without a version) */
  closeReason: z.enum(TASK_ENDS).nullable(),
  dataSetId: amount.nullable(),
  createdBlock: amount, createdAt: amount, closedAt: amount.nullable()
})

export const roundSchema = z.object({
  id: z.string(), taskId: amount, round: z.number().int(), seedBlock: amount, startedAt: amount,
  decidedAt: amount.nullable(), versionId: amount.nullable()
})

/** A provider's totals across tasks and its stake as the distributor held it at its last stake event. */
export const providerSchema = z.object({
  address, tasksJoined: z.number().int(), acceptedCount: z.number().int(), rewardsEarned: amount, reputation: z.number().int(),
  claimed: amount, slashed: amount, stake: amount, lockedStake: amount, unstaking: amount, unstakeReleaseAt: amount
})

export const taskProviderSchema = z.object({
  id: z.string(), taskId: amount, provider: address, weight: amount, index: z.number().int(),
  ejectedFromRound: z.number().int().nullable(), awayFromRound: z.number().int().nullable(),
  /** joined once every place was taken and holds none (`index` is 255 plus its position among the applicants) */
  applicant: z.boolean().default(false), left: z.boolean()
})

export const versionSchema = z.object({
  id: amount, modelId: amount.nullable(), taskId: amount.nullable(), round: z.number().int().nullable(), parent: amount.nullable(),
  mergeParent: amount.nullable(), status: z.enum(['Proposed', 'Final', 'Challenged', 'Rejected']).nullable(),
  modelCid: hex.nullable(), commitHash: hex.nullable(), deltaRoot: hex.nullable(), dataHash: hex.nullable(),
  accuracyBps: z.number().int().nullable(), loss: amount.nullable(), aggregator: address.nullable(), signers: z.number().int().nullable(),
  /** set by its proposal: the signers that make it final, and when it is final unchallenged without them (unix seconds) */
  requiredSigners: z.number().int().nullable(), challengeDeadline: amount.nullable(),
  registeredBlock: amount.nullable(), registeredAt: amount.nullable(), finalizedAt: amount.nullable()
})

export const dataSetSchema = z.object({
  id: amount, owner: address, contentHash: hex, manifestCid: hex, name: z.string(), license: z.string(), description: z.string(),
  citations: z.number().int(), registeredBlock: amount, registeredAt: amount
})

/** A model as the market lists it: its head's metrics, and the data set its task cites (name and licence), if any. */
export const modelSchema = z.object({
  id: amount, owner: address, taskId: amount.nullable(), forkedFrom: amount.nullable(), name: z.string(), description: z.string(),
  head: amount, headAccuracyBps: z.number().int().nullable(), headLoss: amount.nullable(), versionCount: z.number().int(),
  dataSetId: amount.nullable(), createdBlock: amount, createdAt: amount,
  dataSet: dataSetSchema.pick({ id: true, name: true, license: true }).nullable()
})

/** A dispute's states: open until the referee upholds or rejects it, or its deadline lapses (expired). */
export const DISPUTE_STATES = ['open', 'upheld', 'rejected', 'expired'] as const
export type DisputeState = typeof DISPUTE_STATES[number]

/**
 * A challenged result (ResultChallenges) or version (ModelRegistry), one per thing challenged, with
 * its verdict, a fraud proof of the result's delta, and what it slashed. `seq` is the feed ID of the
 * event that last opened it: the order and cursor of GET /disputes.
 */
export const disputeSchema = z.object({
  id: z.string(), kind: z.enum(['result', 'version']), seq: amount, resultKey: hex.nullable(), versionId: amount.nullable(),
  taskId: amount.nullable(), round: z.number().int().nullable(), shard: z.number().int().nullable(), attempt: z.number().int().nullable(), replica: z.number().int().nullable(),
  accused: address.nullable(), challenger: address, bond: amount, claim: hex.nullable(), state: z.enum(DISPUTE_STATES), resolveBy: amount.nullable(),
  challenges: z.number().int(), prover: address.nullable(), reporter: address.nullable(), deltaHash: hex.nullable(),
  slashes: z.array(z.object({ account: address, role: z.enum(['provider', 'aggregator', 'cosigner']), amount })),
  openedAt: amount, closedAt: amount.nullable()
})

/**
 * The network at a glance, for a visitor: counted from the indexed tables when asked. Providers
 * online are the members (neither left, ejected nor stepped away) of tasks joining or running, whose browsers or
 * nodes must be up to train; versions trained are those task rounds proposed, rejected ones left
 * out; results verified are the results consensus accepted; rewards paid is every reward credited.
 */
export const networkStatsSchema = z.object({
  providersOnline: z.number().int(),
  tasksJoining: z.number().int(),
  tasksRunning: z.number().int(),
  versionsTrained: z.number().int(),
  resultsVerified: z.number().int(),
  /** MLB in wei */
  rewardsPaid: amount
})

const pageSchema = <T extends z.ZodType>(item: T): z.ZodObject<{ items: z.ZodArray<T>, nextCursor: z.ZodNullable<z.ZodString> }> =>
  z.object({ items: z.array(item), nextCursor: amount.nullable() })

export const taskPageSchema = pageSchema(taskSchema)
export const versionPageSchema = pageSchema(versionSchema)
export const modelPageSchema = pageSchema(modelSchema)
export const dataSetPageSchema = pageSchema(dataSetSchema)
export const disputePageSchema = pageSchema(disputeSchema)

export const taskDetailSchema = z.object({ task: taskSchema, rounds: z.array(roundSchema), providers: z.array(taskProviderSchema) })
export const errorSchema = z.object({ error: z.string() })

export type Task = z.infer<typeof taskSchema>
export type Round = z.infer<typeof roundSchema>
export type TaskProvider = z.infer<typeof taskProviderSchema>
export type Version = z.infer<typeof versionSchema>
export type TaskDetail = z.infer<typeof taskDetailSchema>
export type Provider = z.infer<typeof providerSchema>
export type Model = z.infer<typeof modelSchema>
export type DataSet = z.infer<typeof dataSetSchema>
export type Dispute = z.infer<typeof disputeSchema>
export type NetworkStats = z.infer<typeof networkStatsSchema>
export interface Page<T> { items: T[], nextCursor: string | null }

export { EVENT_CONTRACTS, EVENT_NAMES, feedNameOf, type EventName } from './events.ts'

/**
 * One contract event as indexed. `id` orders the feed and is its cursor: the block number times
 * 2^20 plus the log's index in the block. `args` are the event's arguments, uint256 values as
 * decimal strings. `taskId` is the task the event belongs to: its `taskId` argument, or the task
 * of the version, result challenge or slash it names (a slash's distributor events, in the
 * transaction of the verifier's or registry's event that names the task); null for events of no
 * task (Staked, Claimed…).
 */
export const eventSchema = z.object({
  id: amount,
  contract: z.enum(EVENT_CONTRACT_NAMES),
  name: z.enum(EVENT_NAMES),
  args: z.record(z.string(), z.unknown()),
  taskId: amount.nullable(),
  blockNumber: amount,
  logIndex: z.number().int(),
  transactionHash: hex,
  timestamp: amount
})
export type ProtocolEvent = z.infer<typeof eventSchema>
export const eventPageSchema = pageSchema(eventSchema)

/** What a webhook POSTs: the delivery's ID (also in the `mlbridge-delivery` header) and the event. */
export const webhookPayloadSchema = z.object({ id: z.string(), event: eventSchema })
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>
