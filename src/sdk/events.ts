/**
 * The contract events the indexer records in its feed (GET /events), by the contract that emits
 * them, so a name alone filters the feed. A name two contracts share (ChallengeCommitted: a
 * version's challenge in ModelRegistry, a result's in ResultChallenges) is recorded and filtered
 * qualified, `Contract:Event`, for both contracts alike, so neither reads as the other's; every
 * other name is bare (`feedNameOf` makes the feed's name). Kept apart
 * from schemas.ts and free of zod: the indexer's handlers import it, and zod schemas made there
 * before @hono/zod-openapi loads would lack the `.openapi` its API needs.
 */
export const EVENT_CONTRACTS = {
  TaskCreated: 'TaskManager', ProviderJoined: 'TaskManager', RoundStarted: 'TaskManager', TaskCompleted: 'TaskManager',
  ProviderApplied: 'TaskManager', ApplicantDrawScheduled: 'TaskManager', ApplicantsDrawn: 'TaskManager', ProviderReplaced: 'TaskManager',
  TaskCancelled: 'TaskManager', TaskUnderSubscribed: 'TaskManager', ProviderEjected: 'TaskManager', ProviderLeft: 'TaskManager',
  ProviderSteppedAway: 'TaskManager', ProviderSteppedBack: 'TaskManager',
  TaskCancelRequested: 'TaskManager', TaskStalled: 'TaskManager', RoundHeld: 'TaskManager', TaskClosed: 'ConsensusVerifier',
  RoundConfigured: 'ConsensusVerifier', RoundDecided: 'ConsensusVerifier', Committed: 'ConsensusVerifier', Revealed: 'ConsensusVerifier',
  ShardAccepted: 'ConsensusVerifier', ShardDisputed: 'ConsensusVerifier', SplitResolved: 'ConsensusVerifier', ShardRequeued: 'ConsensusVerifier',
  ShardFailed: 'ConsensusVerifier', ResultSlashed: 'ConsensusVerifier',
  VersionRegistered: 'ModelRegistry', VersionProposed: 'ModelRegistry', VersionConfirmed: 'ModelRegistry', VersionChallenged: 'ModelRegistry',
  VersionFinalized: 'ModelRegistry', VersionRejected: 'ModelRegistry', ModelCreated: 'ModelRegistry', HeadMoved: 'ModelRegistry',
  'ModelRegistry:ChallengeCommitted': 'ModelRegistry', ChallengeResolved: 'ModelRegistry', ChallengeExpired: 'ModelRegistry', VersionSlashed: 'ModelRegistry',
  CosignerSlashed: 'ModelRegistry', Equivocated: 'ModelRegistry',
  RewardCredited: 'RewardDistributor', ReputationChanged: 'RewardDistributor', Claimed: 'RewardDistributor', Slashed: 'RewardDistributor',
  Staked: 'RewardDistributor', UnstakeRequested: 'RewardDistributor', Withdrawn: 'RewardDistributor', StakeLocked: 'RewardDistributor',
  StakeReleased: 'RewardDistributor', LivenessForfeited: 'RewardDistributor', EscrowDeposited: 'RewardDistributor', EscrowRefunded: 'RewardDistributor',
  EarningsForfeited: 'RewardDistributor', SlashPending: 'RewardDistributor', SlashExecuted: 'RewardDistributor', SlashOverturned: 'RewardDistributor',
  'ResultChallenges:ChallengeCommitted': 'ResultChallenges', ResultChallenged: 'ResultChallenges', ResultChallengeResolved: 'ResultChallenges',
  ResultChallengeExpired: 'ResultChallenges', InvalidDeltaProven: 'ResultChallenges',
  DataSetRegistered: 'DataRegistry', DataSetUpdated: 'DataRegistry', DataSetOwnershipTransferred: 'DataRegistry', DataSetCited: 'DataRegistry'
} as const
export type EventName = keyof typeof EVENT_CONTRACTS
export const EVENT_NAMES = Object.keys(EVENT_CONTRACTS) as [EventName, ...EventName[]]
export type EventContract = typeof EVENT_CONTRACTS[EventName]
export const EVENT_CONTRACT_NAMES = [...new Set(Object.values(EVENT_CONTRACTS))] as [EventContract, ...EventContract[]]

/** The feed's name of `contract`'s event `event`: qualified when the list has it so, else bare; undefined when not listed. */
export function feedNameOf (contract: string, event: string): EventName | undefined {
  const qualified = `${contract}:${event}`
  const name = (qualified in EVENT_CONTRACTS ? qualified : event) as EventName
  return EVENT_CONTRACTS[name] === contract ? name : undefined
}
