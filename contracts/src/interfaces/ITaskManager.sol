// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "./IConsensusVerifier.sol";
import {IModelRegistry} from "./IModelRegistry.sol";
import {IRewardDistributor} from "./IRewardDistributor.sol";
import {Permits} from "../libraries/Permits.sol";

/// @title ITaskManager
/// @notice Interface of the TaskManager: tasks, providers and rounds. Creators create and cancel
/// tasks, providers join them, anyone advances them; the ConsensusVerifier and the ModelRegistry
/// read tasks, seeds and providers.
interface ITaskManager {
    /// @notice Lifecycle of a task.
    enum TaskStatus {
        None,
        Joining,
        Running,
        Completed,
        Cancelled
    }

    /// @notice A task as stored, packed into five slots. Round progress lives in the verifier
    /// (`roundProgress`), which counts decided shards as it decides them.
    // Five slots is the fewest its 1,240 bits fit in (`forge inspect TaskManager storageLayout`).
    // solhint-disable-next-line gas-struct-packing
    struct Task {
        address creator;
        TaskStatus status;
        uint16 rounds;
        uint16 shards;
        uint16 currentRound;
        uint8 replication;
        uint8 maxReplication;
        uint8 fingerprintLength;
        uint8 confirmations;
        bool cancelRequested;
        uint32 tolerance;
        uint32 commitWindow;
        uint32 revealWindow;
        uint32 aggregateWindow;
        uint32 challengeWindow;
        uint64 joinDeadline;
        uint16 providerCount;
        uint8 emptyRounds;
        uint64 modelId;
        uint96 rewardPerResult;
        uint96 minStake;
        uint64 closedAt;
        uint32 parameters;
        uint32 trainMflop;
        uint32 activationKib;
        uint256 totalWeight;
    }

    /// @notice One who joined once every place was taken, and the weight it would draw with.
    struct Applicant {
        address account;
        uint16 weight;
    }

    /// @notice Everything a creator sets when creating a task. `parameters`, `trainMflop` (millions
    /// of floating-point operations to train one result, rounded up) and `activationKib` (KiB of
    /// activations and their gradients for one batch, rounded up) declare what a result asks of a
    /// volunteer's machine, within MAX_PARAMETERS, MAX_TRAIN_MFLOP and MAX_ACTIVATION_KIB: clients
    /// refuse a spec that needs more than its task declares, and rank tasks by reward per MFLOP.
    /// `parentVersion` is a final version the task continues training (its model CID and commit
    /// hash must be the initial ones), or zero for a fresh model; `parentData` is that version's
    /// content as in its `VersionRegistered` event (the registry stores only its hash and checks
    /// it), left empty for a fresh model.
    struct TaskParams {
        bytes specCid;
        bytes datasetCid;
        bytes initialModelCid;
        bytes32 initialCommitHash;
        bytes32 initialDataHash;
        IModelRegistry.VersionData parentData;
        uint64 parentVersion;
        uint16 rounds;
        uint16 shards;
        uint8 replication;
        uint8 maxReplication;
        uint8 fingerprintLength;
        uint8 confirmations;
        uint32 tolerance;
        uint32 joinWindow;
        uint32 commitWindow;
        uint32 revealWindow;
        uint32 aggregateWindow;
        uint32 challengeWindow;
        uint96 rewardPerResult;
        uint96 minStake;
        uint32 parameters;
        uint32 trainMflop;
        uint32 activationKib;
        string name;
        string description;
    }

    /// @notice A task parameter is out of range.
    /// @param name The name of the parameter.
    error InvalidTaskParameter(string name);
    /// @notice The task does not exist.
    /// @param taskId The task.
    error UnknownTask(uint256 taskId);
    /// @notice The joining window is closed or the task is not joining.
    /// @param taskId The task.
    error JoiningClosed(uint256 taskId);
    /// @notice The joining window is still open.
    /// @param taskId The task.
    /// @param deadline End of the joining window.
    error JoiningOpen(uint256 taskId, uint64 deadline);
    /// @notice The account already joined.
    /// @param taskId The task.
    /// @param account The account that joined.
    error AlreadyJoined(uint256 taskId, address account);
    /// @notice The draw among the task's applicants takes the hash of block `seedBlock`, which is
    /// not readable yet: call `advance` again from the next block on.
    /// @param taskId The task.
    /// @param seedBlock The block whose hash draws the places.
    error ApplicantDrawPending(uint256 taskId, uint64 seedBlock);
    /// @notice The creator already asked to cancel the running task; it ends with its round.
    /// @param taskId The task.
    error CancelAlreadyRequested(uint256 taskId);
    /// @notice The account did not join the task.
    /// @param taskId The task.
    /// @param account The account.
    error NotJoined(uint256 taskId, address account);
    /// @notice The task's stake stays locked until the task has closed and its challenge window
    /// passed.
    /// @param taskId The task.
    /// @param releaseAt When the stake can be released (the maximum while the task is open).
    error StakeStillLocked(uint256 taskId, uint64 releaseAt);
    /// @notice Not every shard of the current round is decided yet.
    /// @param taskId The task.
    /// @param decided Shards decided so far.
    /// @param shards Shards of the round.
    error RoundUndecided(uint256 taskId, uint256 decided, uint256 shards);
    /// @notice The round's version is neither final nor overdue.
    /// @param taskId The task.
    /// @param until When the aggregation window ends.
    error AggregationPending(uint256 taskId, uint64 until);
    /// @notice The task is not in a state that allows this.
    /// @param taskId The task.
    error TaskNotActive(uint256 taskId);
    /// @notice `round` is not the running round of `taskId`.
    /// @param taskId The task.
    /// @param round The round.
    error RoundNotRunning(uint256 taskId, uint256 round);
    /// @notice Only the creator may do this.
    /// @param taskId The task.
    /// @param caller The caller.
    error NotTaskCreator(uint256 taskId, address caller);
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice The verifier is already set.
    error VerifierAlreadySet();
    /// @notice The verifier is not set yet, so no round can start.
    error VerifierNotSet();
    /// @notice Only the verifier (a slash, a spent liveness deposit) and the registry (an
    /// equivocation) eject providers.
    /// @param caller The caller.
    error NotAllowedToEject(address caller);
    /// @notice Only the ModelRegistry reports a final version.
    /// @param caller The caller.
    error OnlyRegistry(address caller);
    /// @notice The provider has stepped away from the task already.
    /// @param taskId The task.
    /// @param account The provider.
    error AlreadyAway(uint256 taskId, address account);
    /// @notice The provider has not stepped away from the task.
    /// @param taskId The task.
    /// @param account The provider.
    error NotAway(uint256 taskId, address account);
    /// @notice A draw asked for more providers than may be drawn.
    /// @param wanted How many it needed.
    /// @param eligible How many may be drawn (joined, not excluded).
    error NotEnoughProviders(uint256 wanted, uint256 eligible);

    /// @notice The verifier was set.
    /// @param verifier The verifier.
    event VerifierSet(address verifier);
    /// @notice A task was created and its budget escrowed.
    /// @param taskId The task.
    /// @param creator The task creator.
    /// @param modelId The model.
    /// @param initialVersionId The genesis version.
    /// @param specCid Binary CID of the task spec.
    /// @param datasetCid Binary CID of the data set manifest.
    /// @param escrow The escrowed budget.
    /// @param name The task's (and its model's) short name; kept only in this event, for indexers.
    /// @param description What the task trains and why (may be empty); kept only in this event.
    event TaskCreated(
        uint256 indexed taskId,
        address indexed creator,
        uint256 indexed modelId,
        uint256 initialVersionId,
        bytes specCid,
        bytes datasetCid,
        uint256 escrow,
        string name,
        string description
    );
    /// @notice A provider joined a task with `weight`.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param weight The provider's weight.
    /// @param index Its place: its index in the provider list, and its bit in the task's masks (a
    /// draw among applicants may give the place to another, `ProviderReplaced`).
    event ProviderJoined(uint256 indexed taskId, address indexed provider, uint256 weight, uint256 index);
    /// @notice Every place of the task was taken: `provider` joined as an applicant, with its stake
    /// locked as a provider's, and may take a place in the draw after the joining window.
    /// @param taskId The task.
    /// @param provider The applicant.
    /// @param weight Its weight, should it take a place.
    /// @param position Its position among the applicants.
    event ProviderApplied(uint256 indexed taskId, address indexed provider, uint256 weight, uint256 position);
    /// @notice More joined than the task has places: the hash of block `seedBlock` (this event's own)
    /// draws who keeps one, at the next `advance`; scheduled again from a later block when that
    /// hash is no longer readable (past EIP-2935's 8,191 blocks, or the EVM's 256 without it).
    /// @param taskId The task.
    /// @param seedBlock The block whose hash draws the places.
    /// @param applicants How many joined after every place was taken.
    event ApplicantDrawScheduled(uint256 indexed taskId, uint64 seedBlock, uint256 applicants);
    /// @notice The draw among everyone who joined chose who keeps a place; `entrants` applicants
    /// took one (a `ProviderReplaced` each).
    /// @param taskId The task.
    /// @param seed The draw's seed.
    /// @param entrants Applicants that took a place.
    event ApplicantsDrawn(uint256 indexed taskId, bytes32 seed, uint256 entrants);
    /// @notice The draw gave place `index` to the applicant `provider`; `previous`, who held it, is
    /// an applicant without a place now, its stake free to unlock.
    /// @param taskId The task.
    /// @param index The place (its index in the provider list).
    /// @param previous Who held it.
    /// @param provider Who holds it now.
    event ProviderReplaced(uint256 indexed taskId, uint256 index, address indexed previous, address indexed provider);
    /// @notice Round `round` started at `startedAt`; its draw seed comes from the hash of block
    /// `seedBlock`, this event's own block, readable from the next one (ConsensusVerifier.roundSeed).
    /// @param taskId The task.
    /// @param round The round.
    /// @param seedBlock The block whose hash fixes the round's draw.
    /// @param startedAt Start timestamp.
    event RoundStarted(uint256 indexed taskId, uint256 indexed round, uint64 seedBlock, uint64 startedAt);
    /// @notice The last round ended; `refund` went back to the creator.
    /// @param taskId The task.
    /// @param refund Escrow credited back to the creator.
    event TaskCompleted(uint256 indexed taskId, uint256 refund);
    /// @notice `rounds` rounds in a row ended without a version: the task ends (status Cancelled,
    /// then `TaskCancelled`) and its escrow goes back, rather than run on producing nothing.
    /// @param taskId The task.
    /// @param rounds The empty rounds in a row.
    event TaskStalled(uint256 indexed taskId, uint256 rounds);
    /// @notice Version `versionId` of round `round` may become final until `until` (its quiet window
    /// closing, or the referee ruling on its challenge): the round does not end without a version
    /// before then (at most two challenge windows past the aggregation window).
    /// @param taskId The task.
    /// @param round The running round.
    /// @param until When the version may become final, at the latest.
    /// @param versionId The version.
    event RoundHeld(uint256 indexed taskId, uint256 indexed round, uint64 until, uint256 versionId);
    /// @notice The creator cancelled the task; `refund` went back to the creator.
    /// @param taskId The task.
    /// @param refund Escrow credited back to the creator.
    event TaskCancelled(uint256 indexed taskId, uint256 refund);
    /// @notice The creator asked to cancel the running task: it ends when the current round does,
    /// and the round's results are decided and paid as usual.
    /// @param taskId The task.
    /// @param round The round the task ends with.
    event TaskCancelRequested(uint256 indexed taskId, uint256 round);
    /// @notice Fewer providers joined than the task's replication, or fewer are left once the
    /// ejected ones are out, so it cannot verify a result: it ends (status Cancelled) and its escrow
    /// goes back to the creator.
    /// @param taskId The task.
    /// @param providers Providers that may be drawn (joined and not ejected).
    /// @param replication Replicas per shard the task asked for.
    /// @param refund Escrow returned to the creator.
    event TaskUnderSubscribed(uint256 indexed taskId, uint256 providers, uint256 replication, uint256 refund);
    /// @notice A provider was slashed, or missed a result with its liveness deposit spent: it is
    /// drawn no more in the task, from round `fromRound` on (a running round's draws never change).
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param fromRound The first round it is not drawn in.
    event ProviderEjected(uint256 indexed taskId, address indexed provider, uint256 fromRound);
    /// @notice A provider stepped away: it is not drawn from round `fromRound` on until it steps
    /// back, and loses nothing (a running round's draws never change, so it finishes that round).
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param fromRound The first round it is not drawn in.
    event ProviderSteppedAway(uint256 indexed taskId, address indexed provider, uint256 fromRound);
    /// @notice A provider that had stepped away may be drawn again from round `fromRound` on.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param fromRound The first round it may be drawn in again.
    event ProviderSteppedBack(uint256 indexed taskId, address indexed provider, uint256 fromRound);
    /// @notice A provider's stake locked for the task is free again.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param amount The amount released.
    event ProviderLeft(uint256 indexed taskId, address indexed provider, uint256 amount);

    /// @notice The reward distributor holding escrows, stakes and bonds.
    /// @return The distributor.
    function distributor() external view returns (IRewardDistributor);

    /// @notice The consensus verifier (zero until set).
    /// @return The verifier.
    function verifier() external view returns (IConsensusVerifier);

    /// @notice The stored task `taskId` (all zero when it does not exist).
    /// @param taskId The task.
    /// @return The task.
    function getTask(uint256 taskId) external view returns (Task memory);

    /// @notice The first `count` distinct providers drawn for `seed`, weighted by reputation,
    /// leaving out those in `excluded` (the round's `RoundConfig.excluded`: the providers ejected
    /// or away when it started).
    /// @param taskId The task.
    /// @param excluded Providers not to draw (bit i: provider i of `providersOf`).
    /// @param seed The shard's seed.
    /// @param count How many to draw (at most the number of providers that may be drawn).
    /// @return drawn The providers, in replica order.
    function drawProviders(uint256 taskId, uint256 excluded, bytes32 seed, uint256 count)
        external
        view
        returns (address[] memory drawn);

    /// @notice `drawProviders(taskId, excluded, seed, position + 1)[position]`, reading one
    /// provider's address instead of every drawn one's (the verifier checks a committer with it).
    /// @param taskId The task.
    /// @param excluded Providers not to draw (bit i: provider i of `providersOf`).
    /// @param seed The shard's seed.
    /// @param position The replica.
    /// @return The provider drawn for that replica.
    function drawnAt(uint256 taskId, uint256 excluded, bytes32 seed, uint256 position) external view returns (address);

    /// @notice Like `drawProviders`, with each provider's index in the task's provider list.
    /// @param taskId The task.
    /// @param excluded Providers not to draw (bit i: provider i of `providersOf`).
    /// @param seed The shard's seed.
    /// @param count How many to draw (at most the number of providers that may be drawn).
    /// @return drawn The providers, in replica order.
    /// @return indices Their indices in `providersOf(taskId)`.
    function drawAssignees(uint256 taskId, uint256 excluded, bytes32 seed, uint256 count)
        external
        view
        returns (address[] memory drawn, uint256[] memory indices);

    /// @notice Ejects `provider` from the task's draws from the next round on (the verifier, on a
    /// slash or on a missing result with the liveness deposit spent; the registry, on an
    /// equivocation). Does nothing when it is ejected already or is not a provider of the task.
    /// @param taskId The task.
    /// @param provider The provider.
    function eject(uint256 taskId, address provider) external;

    /// @notice Providers ejected from the task (bit i: provider i of `providersOf`), drawn no more
    /// from the round after each ejection.
    /// @param taskId The task.
    /// @return mask The ejected providers.
    function ejected(uint256 taskId) external view returns (uint256 mask);

    /// @notice Providers that stepped away from the task (bit i: provider i of `providersOf`), not
    /// drawn from the round after each step until they step back.
    /// @param taskId The task.
    /// @return mask The providers away.
    function away(uint256 taskId) external view returns (uint256 mask);

    /// @notice Whether `account` joined task `taskId` and has stepped away from it.
    /// @param taskId The task.
    /// @param account The account.
    /// @return True when it is away.
    function isAway(uint256 taskId, address account) external view returns (bool);

    /// @notice Whether `account` has an accepted result in round `round` of task `taskId`, and how
    /// many providers do (the electorate of the round's version).
    /// @param taskId The task.
    /// @param round The round.
    /// @param account The account.
    /// @return winner True when `account` won in the round.
    /// @return winners Winners of the round.
    function winnerStatus(uint256 taskId, uint256 round, address account)
        external
        view
        returns (bool winner, uint256 winners);

    /// @notice Releases the caller's stake locked for task `taskId` once the task has closed and its
    /// challenge window passed, or at once for an applicant without a place once the task is no
    /// longer joining (the draw ran, or the task ended before it).
    /// @param taskId The task.
    function unlockStake(uint256 taskId) external;

    /// @notice Whether `account` holds a place in task `taskId` (joined, and not left without a
    /// place by the draw among applicants).
    /// @param taskId The task.
    /// @param account The account.
    /// @return True when it holds a place.
    function isProvider(uint256 taskId, address account) external view returns (bool);

    /// @notice Whether `account` joined task `taskId` without a place: it applied once every place
    /// was taken and waits for the draw, or the draw left it (or moved it) out.
    /// @param taskId The task.
    /// @param account The account.
    /// @return True when it is an applicant without a place.
    function isApplicant(uint256 taskId, address account) external view returns (bool);

    /// @notice How many joined task `taskId` once every place was taken (zero: no draw).
    /// @param taskId The task.
    /// @return The number of applicants.
    function applicantCount(uint256 taskId) external view returns (uint256);

    /// @notice The block whose hash draws the places of task `taskId` among its applicants; zero
    /// until the first `advance` after the joining window of a task with applicants.
    /// @param taskId The task.
    /// @return seedBlock The block.
    function applicantDrawBlock(uint256 taskId) external view returns (uint64 seedBlock);

    /// @notice Whether every shard of the current round of running task `taskId` is decided.
    /// @param taskId The task.
    /// @return True when the round is decided.
    function isRoundDecided(uint256 taskId) external view returns (bool);

    /// @notice Creates a task, registers its initial model version and escrows
    /// `rewardPerResult * rounds * shards * maxReplication` MLB from the caller (approve the
    /// RewardDistributor first). Joining is open for `joinWindow` seconds.
    /// @param p The task parameters.
    /// @return taskId The new task.
    function createTask(TaskParams calldata p) external returns (uint256 taskId);

    /// @notice `createTask(p)` with the approval in the same transaction: submits the caller's
    /// ERC-2612 `permit` of the task's budget to the RewardDistributor first (one that someone
    /// submitted already is skipped; without an allowance the creation reverts as `createTask` does).
    /// @param p The task parameters.
    /// @param permit The caller's permit signature for `budgetOf(...)`, spender the RewardDistributor.
    /// @return taskId The new task.
    function createTaskWithPermit(TaskParams calldata p, Permits.Permit calldata permit)
        external
        returns (uint256 taskId);

    /// @notice Cancels a task. A joining task ends at once; a running one ends when its current
    /// round does (`advance`), so the results revealed in it are decided and paid. What is left in
    /// escrow then becomes claimable by the creator in the RewardDistributor.
    /// @param taskId The task.
    function cancel(uint256 taskId) external;

    /// @notice Joins a task during its joining window and locks `minStake + rewardPerResult` of the
    /// caller's free stake for it alone (released by `unlockStake` after the task, or after the draw
    /// for an applicant it leaves without a place). Every provider of a task locks the
    /// same amount, so a majority of providers is a majority of locked stake; its draw weight is
    /// fixed now from its reputation (at most 1.25x). Once MAX_PROVIDERS places are taken the
    /// caller applies (`ProviderApplied`): after the window a draw keeps MAX_PROVIDERS of all who
    /// joined, each as likely as any other, so places follow locked stake, not who came first.
    /// @param taskId The task.
    function join(uint256 taskId) external;

    /// @notice Steps the caller, a provider of a joining or running task, away from its draws from
    /// the next round on (round 0 while the task is joining), at no cost: the volunteer's pause.
    /// It still owes the shards of the running round, whose draws never change, and its stake stays
    /// locked for the task. A round that would start with fewer providers present than the task's
    /// replication ends the task instead and refunds its escrow, as when providers are ejected.
    /// @param taskId The task.
    function stepAway(uint256 taskId) external;

    /// @notice Undoes the caller's `stepAway`: it may be drawn again from the next round on.
    /// @param taskId The task.
    function stepBack(uint256 taskId) external;

    /// @notice Moves a task forward; anyone may call it. After the joining window it starts round
    /// 0, or ends the task and refunds its escrow when fewer providers joined (and are not away) than
    /// its replication. A task with applicants first draws its places: the first call records the
    /// block whose hash draws them (`ApplicantDrawScheduled`), a call from the next block on draws
    /// (`ApplicantsDrawn`, `ProviderReplaced`) and goes on as above.
    /// In a running task, once every shard of the current round is decided and the round's
    /// version is final in the ModelRegistry (or `aggregateWindow` has passed without one), it
    /// starts the next round or completes the task and refunds the rest of the escrow. A round
    /// whose version became final has moved on already (`onVersionFinal`): `advance` is for the
    /// joining window and for rounds without a version.
    /// @param taskId The task.
    function advance(uint256 taskId) external;

    /// @notice Called by the ModelRegistry when the version of `round` becomes final: the round
    /// ends in the same transaction (as `advance` would end it), so nobody pays a separate call to
    /// move on. Reverts unless `round` is the task's running round: the version must be recorded
    /// as its round ends.
    /// @param taskId The task.
    /// @param round The round whose version is final.
    /// @param versionId That version (the verifier keeps it in the round's `roundStarts`).
    function onVersionFinal(uint256 taskId, uint256 round, uint256 versionId) external;

    /// @notice Called by the ModelRegistry when version `versionId` of the running round `round`
    /// may still become final at `until`: `proposed` without the signatures that make it final (its
    /// challenge window closes then; it joins `pendingVersions`), or challenged (the referee rules
    /// by then). `advance` does not end the round without a version before the latest such time
    /// (and at most two challenge windows after the aggregation window), and first makes a pending
    /// version final whose quiet window passed unchallenged.
    /// @param taskId The task.
    /// @param round The running round.
    /// @param until When the version may become final, at the latest.
    /// @param versionId The version.
    /// @param proposed Whether it was just proposed (else challenged).
    function holdRound(uint256 taskId, uint256 round, uint64 until, uint256 versionId, bool proposed) external;

    /// @notice The latest hold of task `taskId` (`holdRound`): its round (compare with the task's
    /// current round) and until when; zeros when none.
    /// @param taskId The task.
    /// @return round The round held.
    /// @return until Until when.
    function roundHold(uint256 taskId) external view returns (uint256 round, uint64 until);

    /// @notice The versions of round `round` of task `taskId` proposed without the signatures that
    /// made them final, in order (at most one per aggregator). The list of a past round stays as it
    /// was: read each version's status (and `ModelRegistry.quietWindowPassed`).
    /// @param taskId The task.
    /// @param round The round.
    /// @return The versions.
    function pendingVersions(uint256 taskId, uint256 round) external view returns (uint256[] memory);

    /// @notice The providers of a task by place: in joining order, with the draw's entrants in the
    /// places it freed (bounded by MAX_PROVIDERS).
    /// @param taskId The task.
    /// @return list The providers.
    function providersOf(uint256 taskId) external view returns (address[] memory list);

    /// @notice Assignment weight of a provider: REPUTATION_BASE plus its reputation capped at
    /// MAX_REPUTATION_WEIGHT, so a record moves the draw by at most 1.25x.
    /// @param reputation Reputation points.
    /// @return The weight.
    function weightOf(uint256 reputation) external pure returns (uint256);

    /// @notice Escrow a task needs: every shard of every round paid at the replication cap, each
    /// result's reward and the protocol fee burnt for it (RESULT_FEE).
    /// @param rewardPerResult Reward per accepted result.
    /// @param rounds Rounds.
    /// @param shards Shards per round.
    /// @param maxReplication Replication cap.
    /// @return The escrow.
    function budgetOf(uint256 rewardPerResult, uint256 rounds, uint256 shards, uint256 maxReplication)
        external
        pure
        returns (uint256);

    /// @notice Number of tasks created; task ids start at 1.
    /// @return The number of tasks.
    function taskCount() external view returns (uint256);
}
