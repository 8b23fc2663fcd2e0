/**
 * The contract events the indexer records in its feed (GET /events), by the contract that emits
 * them. Names are unique across the five contracts, so a name alone filters the feed. Kept apart
 * from schemas.ts and free of zod: the indexer's handlers import it, and zod schemas made there
 * before @hono/zod-openapi loads would lack the `.openapi` its API needs.
 */
export const EVENT_CONTRACTS = {
  TaskCreated: 'TaskManager', ProviderJoined: 'TaskManager', RoundStarted: 'TaskManager', TaskCompleted: 'TaskManager',
  TaskCancelled: 'TaskManager', TaskUnderSubscribed: 'TaskManager', ProviderEjected: 'TaskManager', ProviderLeft: 'TaskManager',
  RoundConfigured: 'ConsensusVerifier', RoundDecided: 'ConsensusVerifier', Committed: 'ConsensusVerifier', Revealed: 'ConsensusVerifier',
  ShardAccepted: 'ConsensusVerifier', ShardDisputed: 'ConsensusVerifier', SplitResolved: 'ConsensusVerifier', ShardRequeued: 'ConsensusVerifier',
  ShardFailed: 'ConsensusVerifier', ResultSlashed: 'ConsensusVerifier',
  VersionRegistered: 'ModelRegistry', VersionProposed: 'ModelRegistry', VersionConfirmed: 'ModelRegistry', VersionChallenged: 'ModelRegistry',
  VersionFinalized: 'ModelRegistry', VersionRejected: 'ModelRegistry', ModelCreated: 'ModelRegistry', HeadMoved: 'ModelRegistry',
  RewardCredited: 'RewardDistributor', ReputationChanged: 'RewardDistributor', Claimed: 'RewardDistributor', Slashed: 'RewardDistributor',
  DataSetRegistered: 'DataRegistry', DataSetUpdated: 'DataRegistry', DataSetOwnershipTransferred: 'DataRegistry', DataSetCited: 'DataRegistry'
} as const
export type EventName = keyof typeof EVENT_CONTRACTS
export const EVENT_NAMES = Object.keys(EVENT_CONTRACTS) as [EventName, ...EventName[]]
