/**
 * The tables the indexer fills from contract events. Each row says what its events carried; a
 * column no event has told yet is null. IDs of composite things join their parts with '-' so a
 * REST path can name them.
 */
import { index, onchainTable } from 'ponder'

/** TaskManager.TaskCreated, then its lifecycle events; the shape (rounds, shards…) read once from getTask. */
export const task = onchainTable('task', (t) => ({
  id: t.bigint().primaryKey(),
  creator: t.hex().notNull(),
  /** the task's and its model's name, and its description, as TaskCreated carried them (not kept in storage) */
  name: t.text().notNull(),
  description: t.text().notNull(),
  modelId: t.bigint().notNull(),
  initialVersionId: t.bigint().notNull(),
  specCid: t.hex().notNull(),
  datasetCid: t.hex().notNull(),
  escrow: t.bigint().notNull(),
  /** Joining, Running, Completed or Cancelled (TaskManager.TaskStatus's names) */
  status: t.text().notNull(),
  rounds: t.integer().notNull(),
  shards: t.integer().notNull(),
  replication: t.integer().notNull(),
  rewardPerResult: t.bigint().notNull(),
  /** when joining closes (unix seconds), and the compute one result declares (MFLOP): what a volunteer's pick weighs */
  joinDeadline: t.bigint().notNull(),
  trainMflop: t.integer().notNull(),
  currentRound: t.integer(),
  providerCount: t.integer().notNull(),
  refund: t.bigint(),
  /** how a closed task ended (TaskManager's closing events): completed, cancelled by its creator, underSubscribed or stalled */
  closeReason: t.text(),
  /** the registered data set its creator cited (DataRegistry.DataSetCited) */
  dataSetId: t.bigint(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull(),
  closedAt: t.bigint()
}), (table) => ({ creatorIndex: index().on(table.creator), statusIndex: index().on(table.status) }))

/** One round of a task: started by TaskManager, decided by ConsensusVerifier (its seed: ConsensusVerifier.roundSeed). */
export const round = onchainTable('round', (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  round: t.integer().notNull(),
  seedBlock: t.bigint().notNull(),
  startedAt: t.bigint().notNull(),
  decidedAt: t.bigint(),
  /** the version proposed for this round (ModelRegistry.VersionProposed) */
  versionId: t.bigint()
}), (table) => ({ taskIndex: index().on(table.taskId) }))

/** A model version: VersionRegistered carries its content, VersionProposed its task and round. */
export const version = onchainTable('version', (t) => ({
  id: t.bigint().primaryKey(),
  modelId: t.bigint(),
  taskId: t.bigint(),
  round: t.integer(),
  parent: t.bigint(),
  mergeParent: t.bigint(),
  /** Proposed, Final, Challenged or Rejected (ModelRegistry.VersionStatus's names) */
  status: t.text(),
  modelCid: t.hex(),
  commitHash: t.hex(),
  deltaRoot: t.hex(),
  dataHash: t.hex(),
  accuracyBps: t.integer(),
  /** validation loss scaled by 1e6, as on chain */
  loss: t.bigint(),
  aggregator: t.hex(),
  signers: t.integer(),
  /** what its proposal set: the signers that make it final, and when it is final unchallenged without them (unix seconds) */
  requiredSigners: t.integer(),
  challengeDeadline: t.bigint(),
  registeredBlock: t.bigint(),
  registeredAt: t.bigint(),
  finalizedAt: t.bigint()
}), (table) => ({ taskIndex: index().on(table.taskId) }))

/** One attempt at one shard of a round (ConsensusVerifier's decision on it). */
export const shard = onchainTable('shard', (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  round: t.integer().notNull(),
  shard: t.integer().notNull(),
  attempt: t.integer().notNull(),
  /** open, accepted, disputed, resolved (by the referee), requeued or failed */
  status: t.text().notNull(),
  winnersMask: t.bigint(),
  resultDigest: t.hex(),
  evidence: t.hex()
}), (table) => ({ taskIndex: index().on(table.taskId) }))

/** A provider's result for a replica slot: committed, revealed, then accepted or slashed. */
export const result = onchainTable('result', (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  round: t.integer().notNull(),
  shard: t.integer().notNull(),
  attempt: t.integer().notNull(),
  replica: t.integer().notNull(),
  provider: t.hex().notNull(),
  commitment: t.hex().notNull(),
  deltaCid: t.hex(),
  sealedCid: t.hex(),
  /** committed, revealed, accepted or slashed */
  status: t.text().notNull()
}), (table) => ({ taskIndex: index().on(table.taskId), providerIndex: index().on(table.provider) }))

/**
 * A provider's membership of one task (TaskManager.ProviderJoined / ProviderApplied / ProviderReplaced /
 * ProviderEjected / ProviderSteppedAway / ProviderSteppedBack / ProviderLeft). `index` is its place, or
 * 255 plus its position among the applicants while it holds none.
 */
export const taskProvider = onchainTable('task_provider', (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  provider: t.hex().notNull(),
  weight: t.bigint().notNull(),
  index: t.integer().notNull(),
  ejectedFromRound: t.integer(),
  /** the round from which it stepped away (the volunteer's pause); null while present */
  awayFromRound: t.integer(),
  /** joined once every place was taken and holds none: waiting for the draw, or left out by it */
  applicant: t.boolean().notNull(),
  left: t.boolean().notNull()
}), (table) => ({ taskIndex: index().on(table.taskId), providerIndex: index().on(table.provider) }))

/** Totals per provider across tasks. */
export const provider = onchainTable('provider', (t) => ({
  address: t.hex().primaryKey(),
  tasksJoined: t.integer().notNull(),
  /** results accepted and paid (one RewardDistributor.RewardCredited each) */
  acceptedCount: t.integer().notNull(),
  rewardsEarned: t.bigint().notNull(),
  reputation: t.integer().notNull(),
  claimed: t.bigint().notNull(),
  slashed: t.bigint().notNull(),
  /**
   * RewardDistributor.stakes/lockedStake/unbondingReleaseAt as of the provider's last stake event
   * (Staked, UnstakeRequested, Withdrawn, StakeLocked, StakeReleased, LivenessForfeited, Slashed):
   * read from the chain then, since a slash takes from the bonded and the unbonding stake in a split
   * its events do not carry. `stake` is bonded (what backs its tasks), `unstaking` pending withdrawal.
   */
  stake: t.bigint().notNull().default(0n),
  lockedStake: t.bigint().notNull().default(0n),
  unstaking: t.bigint().notNull().default(0n),
  /** when `unstaking` may be withdrawn (unix seconds; 0 when nothing is) */
  unstakeReleaseAt: t.bigint().notNull().default(0n)
}))

/**
 * A challenge of a result (ResultChallenges) or of a version (ModelRegistry), one row per thing
 * challenged: `result-<resultKey>` or `version-<versionId>`. A later challenge of the same thing
 * (a takeover by an older commitment, or one after the last closed) reopens the row; the feed keeps
 * each event. `seq` is the feed ID of the event that last opened it: the order and cursor of
 * GET /disputes.
 */
export const dispute = onchainTable('dispute', (t) => ({
  id: t.text().primaryKey(),
  /** result or version */
  kind: t.text().notNull(),
  seq: t.bigint().notNull(),
  /** ResultChallenges.resultKey(ref): what its later events name it by (result disputes) */
  resultKey: t.hex(),
  versionId: t.bigint(),
  /** the task; for a result also its round, shard, attempt and replica; for a version its round */
  taskId: t.bigint(),
  round: t.integer(),
  shard: t.integer(),
  attempt: t.integer(),
  replica: t.integer(),
  /** the result's provider or the version's aggregator (as far as the indexer knows them) */
  accused: t.hex(),
  challenger: t.hex().notNull(),
  /** the challenger's bond (0 for a fraud proof, which bonds nothing) */
  bond: t.bigint().notNull(),
  /** what the version's challenger recomputed (`versionClaim`) */
  claim: t.hex(),
  /** open, upheld, rejected or expired */
  state: t.text().notNull(),
  /** the referee's deadline (unix seconds) */
  resolveBy: t.bigint(),
  /** times the thing was challenged (a takeover counts) */
  challenges: t.integer().notNull(),
  /** ResultChallenges.InvalidDeltaProven: who proved the delta invalid, who got the reporter's share, and the delta's sha256 */
  prover: t.hex(),
  reporter: t.hex(),
  deltaHash: t.hex(),
  /** what the dispute slashed: [{ account, role: provider | aggregator | cosigner, amount }], amounts as decimal strings */
  slashes: t.json().$type<Array<{ account: string, role: 'provider' | 'aggregator' | 'cosigner', amount: string }>>().notNull(),
  openedAt: t.bigint().notNull(),
  closedAt: t.bigint()
}), (table) => ({ taskIndex: index().on(table.taskId), stateIndex: index().on(table.state), seqIndex: index().on(table.seq) }))

/** RewardDistributor.RewardCredited: one accepted result's reward. */
export const reward = onchainTable('reward', (t) => ({
  id: t.text().primaryKey(),
  taskId: t.bigint().notNull(),
  provider: t.hex().notNull(),
  amount: t.bigint().notNull(),
  reputation: t.integer().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull()
}), (table) => ({ taskIndex: index().on(table.taskId), providerIndex: index().on(table.provider) }))

/** RewardDistributor.Claimed: any account (provider, creator, reporter) pulling its balance. */
export const claim = onchainTable('claim', (t) => ({
  id: t.text().primaryKey(),
  account: t.hex().notNull(),
  amount: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull()
}), (table) => ({ accountIndex: index().on(table.account) }))

/** RewardDistributor.Slashed: stake taken from a provider, and the reporter's share. */
export const slash = onchainTable('slash', (t) => ({
  id: t.text().primaryKey(),
  provider: t.hex().notNull(),
  amount: t.bigint().notNull(),
  burned: t.bigint().notNull(),
  reporter: t.hex().notNull(),
  reporterShare: t.bigint().notNull(),
  block: t.bigint().notNull(),
  timestamp: t.bigint().notNull()
}), (table) => ({ providerIndex: index().on(table.provider) }))

/**
 * A model (ModelRegistry.ModelCreated): a task's, named after it, or a fork of a version. The head
 * version's metrics sit in the row (HeadMoved keeps them current) so the market can sort by them.
 */
export const model = onchainTable('model', (t) => ({
  id: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  /** the task that trains it; null for a fork */
  taskId: t.bigint(),
  /** the version a fork, or a task continuing a version, started from */
  forkedFrom: t.bigint(),
  name: t.text().notNull(),
  description: t.text().notNull(),
  head: t.bigint().notNull(),
  headAccuracyBps: t.integer(),
  /** validation loss scaled by 1e6, as on chain */
  headLoss: t.bigint(),
  /** versions registered in this model (a fork's starting version belongs to its source) */
  versionCount: t.integer().notNull(),
  /** the data set its task cites */
  dataSetId: t.bigint(),
  createdBlock: t.bigint().notNull(),
  createdAt: t.bigint().notNull()
}), (table) => ({ taskIndex: index().on(table.taskId), ownerIndex: index().on(table.owner) }))

/** DataRegistry: a registered data set, its terms and who owns it. */
export const dataSet = onchainTable('data_set', (t) => ({
  id: t.bigint().primaryKey(),
  owner: t.hex().notNull(),
  contentHash: t.hex().notNull(),
  manifestCid: t.hex().notNull(),
  name: t.text().notNull(),
  license: t.text().notNull(),
  description: t.text().notNull(),
  /** tasks citing it */
  citations: t.integer().notNull(),
  registeredBlock: t.bigint().notNull(),
  registeredAt: t.bigint().notNull()
}), (table) => ({ contentHashIndex: index().on(table.contentHash) }))

/**
 * Every event the handlers index, in chain order: the feed behind GET /events, its live stream and
 * the webhooks. `id` is the cursor: block number * 2^20 + log index (feed.ts).
 */
export const event = onchainTable('event', (t) => ({
  id: t.bigint().primaryKey(),
  contract: t.text().notNull(),
  name: t.text().notNull(),
  /** the event's arguments, uint256 values as decimal strings */
  args: t.json().notNull(),
  /**
   * the task it belongs to (indexer/src/feedTask.ts): its `taskId` argument, else its version's,
   * result challenge's or slash's task, as the chain's selectTaskEvents counts them
   */
  taskId: t.bigint(),
  blockNumber: t.bigint().notNull(),
  logIndex: t.integer().notNull(),
  transactionHash: t.hex().notNull(),
  timestamp: t.bigint().notNull()
}), (table) => ({ taskIndex: index().on(table.taskId), nameIndex: index().on(table.name) }))
