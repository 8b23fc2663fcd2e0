// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {IConsensusVerifier} from "./interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ITaskManager} from "./interfaces/ITaskManager.sol";
import {BlockSeeds} from "./libraries/BlockSeeds.sol";
import {Fees} from "./libraries/Fees.sol";
import {Permits} from "./libraries/Permits.sol";

/// @title TaskManager
/// @notice Tasks, providers and rounds. A creator escrows the reward budget and registers the
/// initial model version; staked providers join during the joining window; then rounds run one
/// after another. Joining locks the task's `minStake` and one reward (the liveness deposit) of the
/// provider's stake for this task alone. A task has MAX_PROVIDERS places: who joins once they are
/// taken applies, and when the window closes a draw from a later block's hash chooses which
/// MAX_PROVIDERS of everyone who joined or applied keep a place, so whoever comes first does not
/// hold every place.
/// In every round each shard gets `replication` distinct providers drawn by reputation (at most
/// 1.25x) from a seed nobody can choose; the ConsensusVerifier reports each shard's
/// outcome; `advance` (callable by anyone) starts the next round once every shard is decided and
/// the round's model version is final or the aggregation window has passed. A provider may step
/// away (a volunteer's pause) and back: each takes effect at the next round start, at no cost.
/// @dev Randomness: the draw of a round comes from the hash of the block whose `advance` (or
/// final version) started it (ConsensusVerifier.roundSeed), and a re-run's from the block of its
/// `finalize`, readable from the next block on; no caller can know that hash when it sends the transaction, so it cannot advance (or
/// finalize) only when the draw suits it. The provider set is frozen before the round starts.
/// Limits: the producer of that block (on an L2, the sequencer) can still bias it by withholding
/// or reordering; a VRF can replace the block hash later.
/// Assignment cost is O(r * (log n + r)) per shard; no function loops over all providers.
/// The PAUSER_ROLE (its own key) can stop new tasks and new joins in an emergency, never a task
/// that runs: rounds, payments, cancels and stake releases go on, so no escrow or stake is frozen.
contract TaskManager is ITaskManager, AccessControl, Pausable {
    /// @notice May pause and unpause the creation of tasks and joining.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");

    /// @notice Most providers per task (bounds the assignment draw; the verifier's winner bitmap
    /// keeps its top bit for itself).
    uint256 public constant MAX_PROVIDERS = 255;
    /// @notice Most shards per round.
    uint256 public constant MAX_SHARDS = 256;
    /// @notice Draws again at most this many times when a draw hits a provider already drawn.
    uint256 public constant MAX_REDRAWS = 32;
    /// @notice Most replicas per shard (the adaptive replication cap).
    uint256 public constant MAX_REPLICATION = 8;
    /// @notice Most int32 entries in a fingerprint.
    uint256 public constant MAX_FINGERPRINT_LENGTH = 64;
    /// @notice Most rounds per task.
    uint256 public constant MAX_ROUNDS = 10_000;
    /// @notice Longest window a task may set (joining, commit, reveal, aggregation, challenge), so a
    /// creator cannot freeze a task and its escrow behind a window of decades.
    uint256 public constant MAX_WINDOW = 7 days;
    /// @notice Longest a task may run when every window runs out and every shard is re-run up to the
    /// verifier's attempt cap: its escrow comes back within this time whatever the providers do.
    uint256 public constant MAX_LIFETIME = 365 days;
    /// @notice Rounds in a row without a version after which a running task ends and refunds.
    uint256 public constant MAX_EMPTY_ROUNDS = 3;
    /// @notice MLB burnt per accepted result, escrowed on top of its reward (`Fees.RESULT_FEE`).
    uint256 public constant RESULT_FEE = Fees.RESULT_FEE;
    /// @notice Most trainable parameters a task's model may have.
    uint256 public constant MAX_PARAMETERS = 8_000_000;
    /// @notice Most compute one result may take, in millions of floating-point operations (2e13 FLOPs).
    uint256 public constant MAX_TRAIN_MFLOP = 20_000_000;
    /// @notice Most activation memory (values and gradients of one batch) a result may take, in KiB (512 MiB).
    uint256 public constant MAX_ACTIVATION_KIB = 512 * 1024;
    /// @notice Longest task name, in UTF-8 bytes.
    uint256 public constant MAX_NAME_LENGTH = 128;
    /// @notice Longest task description, in UTF-8 bytes.
    uint256 public constant MAX_DESCRIPTION_LENGTH = 2048;
    /// @notice Attempts per shard the lifetime bound counts (the verifier's MAX_ATTEMPTS).
    uint256 public constant LIFETIME_ATTEMPTS = 4;
    /// @notice The weight of a provider without a record.
    uint256 public constant REPUTATION_BASE = 100;
    /// @notice Reputation counted in the weight at most: a record moves the draw by at most 1.25x,
    /// so reputation farmed in self-made tasks buys little.
    uint256 public constant MAX_REPUTATION_WEIGHT = 25;

    /// @notice The reward distributor holding escrows and stakes.
    IRewardDistributor public immutable distributor;
    /// @notice The model registry.
    IModelRegistry public immutable registry;

    /// @notice The consensus verifier, set once after deployment; told about every round start.
    IConsensusVerifier public verifier;
    /// @inheritdoc ITaskManager
    uint256 public taskCount;

    mapping(uint256 taskId => Task) internal _tasks;
    mapping(uint256 taskId => address[]) internal _providers;
    /// @dev The running sums of the providers' weights in joining order, sixteen uint16 to a word
    /// (a sum is at most MAX_PROVIDERS * (REPUTATION_BASE + MAX_REPUTATION_WEIGHT) = 31,875): a
    /// draw's binary search reads the words its probes land in (one up to sixteen providers, about
    /// log2(n / 16) + 2 beyond) instead of a slot per probe.
    mapping(uint256 taskId => mapping(uint256 word => uint256)) internal _cumulativeWeights;
    /// @dev Index in `_providers` plus one, or MAX_PROVIDERS plus index in `_applicants` plus one;
    /// zero for an account that did not join.
    mapping(uint256 taskId => mapping(address account => uint256)) internal _slot;
    /// @dev Who joined once every place was taken, in order, each with its weight fixed then.
    mapping(uint256 taskId => Applicant[]) internal _applicants;
    /// @inheritdoc ITaskManager
    mapping(uint256 taskId => uint64 seedBlock) public applicantDrawBlock;
    /// @dev The latest time a version of the running round may become final (`holdRound`), as
    /// `round << 64 | until`.
    mapping(uint256 taskId => uint256) internal _hold;
    /// @dev The versions of a round proposed without the signatures that made them final: one per
    /// aggregator at most, so at most the round's winners.
    mapping(uint256 taskId => mapping(uint256 round => uint256[])) internal _pending;
    /// @inheritdoc ITaskManager
    mapping(uint256 taskId => uint256 mask) public ejected;
    /// @inheritdoc ITaskManager
    mapping(uint256 taskId => uint256 mask) public away;

    /// @notice Deploys the task manager.
    /// @param distributor_ The reward distributor (grant this contract its ESCROW_ROLE).
    /// @param registry_ The model registry (grant this contract its TASK_MANAGER_ROLE).
    /// @param admin Receives DEFAULT_ADMIN_ROLE.
    constructor(IRewardDistributor distributor_, IModelRegistry registry_, address admin) {
        if (address(distributor_) == address(0) || address(registry_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        distributor = distributor_;
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @notice Sets the consensus verifier once (they refer to each other).
    /// @param verifier_ The verifier.
    function setVerifier(IConsensusVerifier verifier_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(verifier) != address(0)) revert VerifierAlreadySet();
        if (address(verifier_) == address(0)) revert ZeroAddress();
        verifier = verifier_;
        emit VerifierSet(address(verifier_));
    }

    /// @notice Stops new tasks and new joins (running tasks go on).
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Allows new tasks and joins again.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ------------------------------------------------------------------ creator

    /// @inheritdoc ITaskManager
    function createTask(TaskParams calldata p) external whenNotPaused returns (uint256 taskId) {
        taskId = _createTask(p);
    }

    /// @inheritdoc ITaskManager
    function createTaskWithPermit(TaskParams calldata p, Permits.Permit calldata permit)
        external
        whenNotPaused
        returns (uint256 taskId)
    {
        uint256 budget = budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        Permits.tryPermit(IERC20Permit(address(distributor.token())), msg.sender, address(distributor), budget, permit);
        taskId = _createTask(p);
    }

    function _createTask(TaskParams calldata p) private returns (uint256 taskId) {
        _validate(p);
        taskId = ++taskCount;
        uint256 escrow = budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        Task storage t = _tasks[taskId];
        t.creator = msg.sender;
        t.status = TaskStatus.Joining;
        t.rounds = p.rounds;
        t.shards = p.shards;
        t.replication = p.replication;
        t.maxReplication = p.maxReplication;
        t.fingerprintLength = p.fingerprintLength;
        t.confirmations = p.confirmations;
        t.tolerance = p.tolerance;
        t.commitWindow = p.commitWindow;
        t.revealWindow = p.revealWindow;
        t.aggregateWindow = p.aggregateWindow;
        t.challengeWindow = p.challengeWindow;
        t.joinDeadline = uint64(block.timestamp) + p.joinWindow;
        t.rewardPerResult = p.rewardPerResult;
        t.minStake = p.minStake;
        t.parameters = p.parameters;
        t.trainMflop = p.trainMflop;
        t.activationKib = p.activationKib;
        (uint256 modelId, uint256 versionId) = registry.registerTaskModel(
            msg.sender, taskId, p.initialModelCid, p.initialCommitHash, p.initialDataHash, p.parentVersion, p.parentData
        );
        t.modelId = uint64(modelId);
        _emitCreated(taskId, modelId, versionId, escrow, p);
        distributor.depositEscrow(taskId, msg.sender, escrow);
    }

    /// @inheritdoc ITaskManager
    function cancel(uint256 taskId) external {
        Task storage t = _existing(taskId);
        if (msg.sender != t.creator) revert NotTaskCreator(taskId, msg.sender);
        if (t.status == TaskStatus.Joining) {
            _close(taskId, t, TaskStatus.Cancelled, 0);
        } else if (t.status == TaskStatus.Running) {
            if (t.cancelRequested) revert CancelAlreadyRequested(taskId);
            t.cancelRequested = true;
            emit TaskCancelRequested(taskId, t.currentRound);
        } else {
            revert TaskNotActive(taskId);
        }
    }

    // ------------------------------------------------------------------ providers

    /// @inheritdoc ITaskManager
    function join(uint256 taskId) external whenNotPaused {
        Task storage t = _existing(taskId);
        if (t.status != TaskStatus.Joining || block.timestamp >= t.joinDeadline) revert JoiningClosed(taskId);
        if (_slot[taskId][msg.sender] != 0) revert AlreadyJoined(taskId, msg.sender);
        uint256 count = t.providerCount;
        uint256 weight = weightOf(distributor.reputationOf(msg.sender));
        if (count >= MAX_PROVIDERS) {
            Applicant[] storage applicants = _applicants[taskId];
            uint256 position = applicants.length;
            _slot[taskId][msg.sender] = MAX_PROVIDERS + position + 1;
            applicants.push(Applicant(msg.sender, uint16(weight)));
            emit ProviderApplied(taskId, msg.sender, weight, position);
        } else {
            _takePlace(taskId, t, count, weight);
        }
        // The stake a slash may take, and one reward more: the deposit a missing result forfeits.
        distributor.lockStake(msg.sender, taskId, uint256(t.minStake) + t.rewardPerResult);
    }

    /// @dev Gives the caller place `count`, the next free one.
    function _takePlace(uint256 taskId, Task storage t, uint256 count, uint256 weight) private {
        uint256 total = t.totalWeight + weight;
        _slot[taskId][msg.sender] = count + 1;
        _providers[taskId].push(msg.sender);
        _cumulativeWeights[taskId][count >> 4] |= total << ((count & 15) << 4);
        t.totalWeight = total;
        t.providerCount = uint16(count + 1);
        emit ProviderJoined(taskId, msg.sender, weight, count);
    }

    /// @inheritdoc ITaskManager
    function unlockStake(uint256 taskId) external {
        Task storage t = _existing(taskId);
        uint256 slot = _slot[taskId][msg.sender];
        if (slot == 0) revert NotJoined(taskId, msg.sender);
        bool closed = t.status == TaskStatus.Completed || t.status == TaskStatus.Cancelled;
        uint64 releaseAt = closed ? t.closedAt + t.challengeWindow : type(uint64).max;
        // An applicant the draw left without a place was never drawn for a shard: it owes nothing.
        if (slot > MAX_PROVIDERS && t.status != TaskStatus.Joining) releaseAt = 0;
        if (block.timestamp < releaseAt) revert StakeStillLocked(taskId, releaseAt);
        uint256 amount = distributor.releaseStake(msg.sender, taskId);
        emit ProviderLeft(taskId, msg.sender, amount);
    }

    /// @inheritdoc ITaskManager
    function stepAway(uint256 taskId) external {
        (uint256 bit, uint256 mask, uint256 fromRound) = _presence(taskId);
        if (mask & bit != 0) revert AlreadyAway(taskId, msg.sender);
        away[taskId] = mask | bit;
        emit ProviderSteppedAway(taskId, msg.sender, fromRound);
    }

    /// @inheritdoc ITaskManager
    function stepBack(uint256 taskId) external {
        (uint256 bit, uint256 mask, uint256 fromRound) = _presence(taskId);
        if (mask & bit == 0) revert NotAway(taskId, msg.sender);
        away[taskId] = mask & ~bit;
        emit ProviderSteppedBack(taskId, msg.sender, fromRound);
    }

    /// @dev The caller's bit in the task's masks, the task's `away` mask and the first round a step
    /// now takes effect in; reverts unless the caller is a provider of a joining or running task.
    function _presence(uint256 taskId) private view returns (uint256 bit, uint256 mask, uint256 fromRound) {
        Task storage t = _existing(taskId);
        if (t.status == TaskStatus.Joining) fromRound = 0;
        else if (t.status == TaskStatus.Running) fromRound = uint256(t.currentRound) + 1;
        else revert TaskNotActive(taskId);
        bit = _placeBit(taskId, msg.sender);
        if (bit == 0) revert NotJoined(taskId, msg.sender);
        return (bit, away[taskId], fromRound);
    }

    // ------------------------------------------------------------------ rounds

    /// @inheritdoc ITaskManager
    function advance(uint256 taskId) external {
        Task storage t = _existing(taskId);
        if (t.status == TaskStatus.Joining) {
            if (block.timestamp < t.joinDeadline) revert JoiningOpen(taskId, t.joinDeadline);
            if (_applicants[taskId].length != 0 && !_drawPlaces(taskId, t)) return;
            // Providers may have stepped away, and one whose equivocation was reported is ejected.
            uint256 out = ejected[taskId] | away[taskId];
            uint256 present = t.providerCount - _popcount(out);
            if (present < t.replication) {
                uint256 refund = _close(taskId, t, TaskStatus.Cancelled, 0);
                emit TaskUnderSubscribed(taskId, present, t.replication, refund);
                return;
            }
            t.status = TaskStatus.Running;
            _startRound(taskId, t, 0, out, 0);
        } else if (t.status == TaskStatus.Running) {
            // A pending version whose quiet window passed is made final, which ends the round with
            // it: otherwise whoever ends the round first, in the block where both may land, wins.
            uint256[] storage pending = _pending[taskId][t.currentRound];
            for (uint256 i = 0; i < pending.length; ++i) {
                if (registry.quietWindowPassed(pending[i])) {
                    registry.finalizeVersion(pending[i]);
                    return;
                }
            }
            // (no version of the running round is final: one would have ended the round)
            _advanceRound(taskId, t, 0);
        } else {
            revert TaskNotActive(taskId);
        }
    }

    /// @inheritdoc ITaskManager
    function onVersionFinal(uint256 taskId, uint256 round, uint256 versionId) external {
        if (msg.sender != address(registry)) revert OnlyRegistry(msg.sender);
        Task storage t = _tasks[taskId];
        // The registry finalizes only the running round's version, and the round records it as it
        // ends: a version made final any other way would be recorded nowhere.
        if (t.status != TaskStatus.Running || t.currentRound != round) revert RoundNotRunning(taskId, round);
        _advanceRound(taskId, t, versionId);
    }

    /// @inheritdoc ITaskManager
    function holdRound(uint256 taskId, uint256 round, uint64 until, uint256 versionId, bool proposed) external {
        if (msg.sender != address(registry)) revert OnlyRegistry(msg.sender);
        if (proposed) _pending[taskId][round].push(versionId);
        (uint256 heldRound, uint64 heldUntil) = _holdOf(taskId);
        if (heldRound == round && heldUntil >= until) return;
        _hold[taskId] = round << 64 | until;
        emit RoundHeld(taskId, round, until, versionId);
    }

    /// @inheritdoc ITaskManager
    function roundHold(uint256 taskId) external view returns (uint256 round, uint64 until) {
        return _holdOf(taskId);
    }

    /// @inheritdoc ITaskManager
    function pendingVersions(uint256 taskId, uint256 round) external view returns (uint256[] memory) {
        return _pending[taskId][round];
    }

    function _holdOf(uint256 taskId) private view returns (uint256 round, uint64 until) {
        uint256 hold = _hold[taskId];
        return (hold >> 64, uint64(hold));
    }

    /// @dev Ends the running round (it must be decided) with its final version `versionId`, 0 when
    /// none: completes or cancels the task, or starts the next round.
    function _advanceRound(uint256 taskId, Task storage t, uint256 versionId) private {
        uint256 round = t.currentRound;
        (, uint256 decided, uint64 decidedAt) = verifier.roundProgress(taskId);
        if (decided < t.shards) revert RoundUndecided(taskId, decided, t.shards);
        uint256 empty = t.emptyRounds;
        if (versionId == 0) {
            uint64 until = decidedAt + t.aggregateWindow;
            // A version that may still become final (its quiet window open, or its challenge before
            // the referee) holds the round, which anyone could otherwise end under it: at most two
            // challenge windows past the aggregation window, as the task's lifetime bound counts.
            (uint256 heldRound, uint64 heldUntil) = _holdOf(taskId);
            if (heldRound == round && heldUntil > until) {
                uint64 cap = until + 2 * t.challengeWindow;
                until = heldUntil < cap ? heldUntil : cap;
            }
            if (block.timestamp < until) revert AggregationPending(taskId, until);
            t.emptyRounds = uint8(++empty);
        } else if (empty != 0) {
            t.emptyRounds = 0;
            empty = 0;
        }
        if (t.cancelRequested) {
            _close(taskId, t, TaskStatus.Cancelled, versionId);
        } else if (round + 1 == t.rounds) {
            _close(taskId, t, TaskStatus.Completed, versionId);
        } else if (empty >= MAX_EMPTY_ROUNDS) {
            emit TaskStalled(taskId, empty);
            _close(taskId, t, TaskStatus.Cancelled, versionId);
        } else {
            uint256 out = ejected[taskId] | away[taskId];
            uint256 eligible = t.providerCount - _popcount(out);
            if (eligible < t.replication) {
                uint256 refund = _close(taskId, t, TaskStatus.Cancelled, versionId);
                emit TaskUnderSubscribed(taskId, eligible, t.replication, refund);
                return;
            }
            _startRound(taskId, t, round + 1, out, versionId);
        }
    }

    /// @inheritdoc ITaskManager
    function eject(uint256 taskId, address provider) external {
        if (msg.sender != address(verifier) && msg.sender != address(registry)) revert NotAllowedToEject(msg.sender);
        uint256 bit = _placeBit(taskId, provider);
        if (bit == 0) return;
        uint256 mask = ejected[taskId];
        if (mask & bit != 0) return;
        ejected[taskId] = mask | bit;
        emit ProviderEjected(taskId, provider, uint256(_tasks[taskId].currentRound) + 1);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc ITaskManager
    function getTask(uint256 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    /// @inheritdoc ITaskManager
    function isRoundDecided(uint256 taskId) external view returns (bool) {
        Task storage t = _tasks[taskId];
        if (t.status != TaskStatus.Running) return false;
        (, uint256 decided,) = verifier.roundProgress(taskId);
        return decided >= t.shards;
    }

    /// @inheritdoc ITaskManager
    function isProvider(uint256 taskId, address account) external view returns (bool) {
        return _placeBit(taskId, account) != 0;
    }

    /// @inheritdoc ITaskManager
    function isApplicant(uint256 taskId, address account) external view returns (bool) {
        return _slot[taskId][account] > MAX_PROVIDERS;
    }

    /// @inheritdoc ITaskManager
    function applicantCount(uint256 taskId) external view returns (uint256) {
        return _applicants[taskId].length;
    }

    /// @inheritdoc ITaskManager
    function isAway(uint256 taskId, address account) external view returns (bool) {
        return away[taskId] & _placeBit(taskId, account) != 0;
    }

    /// @inheritdoc ITaskManager
    function winnerStatus(uint256 taskId, uint256 round, address account)
        external
        view
        returns (bool winner, uint256 winners)
    {
        uint256 mask = verifier.roundWinners(taskId, round);
        winner = mask & _placeBit(taskId, account) != 0;
        winners = _popcount(mask);
    }

    /// @inheritdoc ITaskManager
    function providersOf(uint256 taskId) external view returns (address[] memory) {
        return _providers[taskId];
    }

    /// @inheritdoc ITaskManager
    function drawProviders(uint256 taskId, uint256 excluded, bytes32 seed, uint256 count)
        external
        view
        returns (address[] memory drawn)
    {
        (drawn,) = _draw(taskId, excluded, seed, count);
    }

    /// @inheritdoc ITaskManager
    function drawnAt(uint256 taskId, uint256 excluded, bytes32 seed, uint256 position) external view returns (address) {
        uint256[] memory indices = _drawIndices(taskId, excluded, seed, position + 1);
        if (indices.length <= position) revert NotEnoughProviders(position + 1, indices.length);
        return _providers[taskId][indices[position]];
    }

    /// @inheritdoc ITaskManager
    function drawAssignees(uint256 taskId, uint256 excluded, bytes32 seed, uint256 count)
        external
        view
        returns (address[] memory drawn, uint256[] memory indices)
    {
        return _draw(taskId, excluded, seed, count);
    }

    /// @inheritdoc ITaskManager
    function weightOf(uint256 reputation) public pure returns (uint256) {
        return REPUTATION_BASE + (reputation < MAX_REPUTATION_WEIGHT ? reputation : MAX_REPUTATION_WEIGHT);
    }

    /// @inheritdoc ITaskManager
    function budgetOf(uint256 rewardPerResult, uint256 rounds, uint256 shards, uint256 maxReplication)
        public
        pure
        returns (uint256)
    {
        return (rewardPerResult + RESULT_FEE) * rounds * shards * maxReplication;
    }

    // ------------------------------------------------------------------ internal

    function _validate(TaskParams calldata p) private pure {
        if (p.specCid.length == 0) revert InvalidTaskParameter("specCid");
        if (p.initialModelCid.length == 0) revert InvalidTaskParameter("initialModelCid");
        if (bytes(p.name).length == 0 || bytes(p.name).length > MAX_NAME_LENGTH) revert InvalidTaskParameter("name");
        if (bytes(p.description).length > MAX_DESCRIPTION_LENGTH) revert InvalidTaskParameter("description");
        if (p.rounds == 0 || p.rounds > MAX_ROUNDS) revert InvalidTaskParameter("rounds");
        if (p.shards == 0 || p.shards > MAX_SHARDS) revert InvalidTaskParameter("shards");
        if (p.replication == 0 || p.replication > p.maxReplication) revert InvalidTaskParameter("replication");
        if (p.maxReplication > MAX_REPLICATION) revert InvalidTaskParameter("maxReplication");
        if (p.fingerprintLength == 0 || p.fingerprintLength > MAX_FINGERPRINT_LENGTH) {
            revert InvalidTaskParameter("fingerprintLength");
        }
        if (p.confirmations == 0) revert InvalidTaskParameter("confirmations");
        _checkWindow(p.joinWindow, "joinWindow");
        _checkWindow(p.commitWindow, "commitWindow");
        _checkWindow(p.revealWindow, "revealWindow");
        _checkWindow(p.aggregateWindow, "aggregateWindow");
        _checkWindow(p.challengeWindow, "challengeWindow");
        // An attempt is a commit and a reveal window, and a referee window (as long as the reveal
        // window) when its replicas split.
        // A round without a version waits for a held one at most two challenge windows past its
        // aggregation window (`holdRound`).
        uint256 perRound = LIFETIME_ATTEMPTS * (uint256(p.commitWindow) + 2 * uint256(p.revealWindow))
            + p.aggregateWindow + 2 * uint256(p.challengeWindow);
        if (p.joinWindow + p.rounds * perRound > MAX_LIFETIME) revert InvalidTaskParameter("lifetime");
        if (p.rewardPerResult == 0) revert InvalidTaskParameter("rewardPerResult");
        if (p.minStake == 0) revert InvalidTaskParameter("minStake");
        _checkResource(p.parameters, MAX_PARAMETERS, "parameters");
        _checkResource(p.trainMflop, MAX_TRAIN_MFLOP, "trainMflop");
        _checkResource(p.activationKib, MAX_ACTIVATION_KIB, "activationKib");
    }

    // apart from createTask, whose locals leave no stack room for the event's nine fields
    function _emitCreated(uint256 taskId, uint256 modelId, uint256 versionId, uint256 escrow, TaskParams calldata p)
        private
    {
        emit TaskCreated(taskId, msg.sender, modelId, versionId, p.specCid, p.datasetCid, escrow, p.name, p.description);
    }

    function _checkResource(uint32 declared, uint256 bound, string memory name) private pure {
        if (declared == 0 || declared > bound) revert InvalidTaskParameter(name);
    }

    function _checkWindow(uint32 window, string memory name) private pure {
        if (window == 0 || window > MAX_WINDOW) revert InvalidTaskParameter(name);
    }

    function _existing(uint256 taskId) private view returns (Task storage t) {
        t = _tasks[taskId];
        if (t.status == TaskStatus.None) revert UnknownTask(taskId);
    }

    /// @dev Ends the task: refunds the escrow left, starts the stake release clock, tells the
    /// verifier (with the last round's final version, 0 when none).
    function _close(uint256 taskId, Task storage t, TaskStatus status, uint256 lastVersion)
        private
        returns (uint256 refund)
    {
        bool started = t.status == TaskStatus.Running;
        t.status = status;
        t.closedAt = uint64(block.timestamp);
        refund = distributor.refundEscrow(taskId, t.creator);
        if (status == TaskStatus.Completed) emit TaskCompleted(taskId, refund);
        else emit TaskCancelled(taskId, refund);
        if (started) verifier.onTaskClosed(taskId, lastVersion);
    }

    function _draw(uint256 taskId, uint256 excluded, bytes32 seed, uint256 count)
        private
        view
        returns (address[] memory drawn, uint256[] memory indices)
    {
        indices = _drawIndices(taskId, excluded, seed, count);
        address[] storage list = _providers[taskId];
        drawn = new address[](indices.length);
        for (uint256 i = 0; i < indices.length; ++i) {
            drawn[i] = list[indices[i]];
        }
    }

    /// @dev The indices in `_providers` of the first `count` providers drawn (fewer when fewer may be drawn).
    function _drawIndices(uint256 taskId, uint256 excluded, bytes32 seed, uint256 count)
        private
        view
        returns (uint256[] memory indices)
    {
        uint256 n = _providers[taskId].length;
        uint256 eligible = n - _popcount(excluded);
        if (count > eligible) count = eligible;
        indices = new uint256[](count);
        if (count == 0) return indices;
        mapping(uint256 => uint256) storage sums = _cumulativeWeights[taskId];
        uint256 total = _sumAt(sums, n - 1);
        // Bitmap of indices not to draw (n <= 256): the excluded, then each one drawn. A draw that
        // lands on one is drawn again, so the excluded weigh nothing and the others keep their odds.
        uint256 taken = excluded;
        for (uint256 i = 0; i < count; ++i) {
            uint256 idx = _upperBound(sums, n, uint256(keccak256(abi.encode(seed, i))) % total);
            // One provider at most once per shard: draw again rather than take the next provider,
            // which would hand a heavy provider's weight to whoever joined after it. After
            // MAX_REDRAWS misses (only when nearly everyone is drawn or excluded) take the next one
            // not taken; `count <= eligible` guarantees there is one.
            for (uint256 j = 1; taken & (1 << idx) != 0; ++j) {
                idx = j <= MAX_REDRAWS
                    ? _upperBound(sums, n, uint256(keccak256(abi.encode(seed, i, j))) % total)
                    : (idx + 1 == n ? 0 : idx + 1);
            }
            taken |= 1 << idx;
            indices[i] = idx;
        }
    }

    /// @dev The draw among applicants, in two calls of `advance` after the joining window: the first
    /// records its block, whose hash no transaction in it can know (returns false); a later one
    /// chooses MAX_PROVIDERS of the n who joined or applied, uniformly, and swaps each provider it
    /// left out with an applicant it chose (returns true).
    function _drawPlaces(uint256 taskId, Task storage t) private returns (bool) {
        uint64 seedBlock = applicantDrawBlock[taskId];
        bytes32 hash;
        if (seedBlock != 0) {
            if (block.number <= seedBlock) revert ApplicantDrawPending(taskId, seedBlock);
            hash = BlockSeeds.hashOf(seedBlock);
        }
        if (hash == bytes32(0)) {
            // Not scheduled yet, or its block's hash is gone: draw from this block, rather than from
            // one whose hash is public already, which whoever calls last could pick by waiting.
            applicantDrawBlock[taskId] = uint64(block.number);
            emit ApplicantDrawScheduled(taskId, uint64(block.number), _applicants[taskId].length);
            return false;
        }
        bytes32 seed = BlockSeeds.seedOf(hash, abi.encode(taskId));
        (uint256 keptPlaces, uint256[] memory entering) = _sample(seed, MAX_PROVIDERS + _applicants[taskId].length);
        emit ApplicantsDrawn(taskId, seed, entering.length);
        if (entering.length != 0) _swapIn(taskId, t, keptPlaces, entering);
        return true;
    }

    /// @dev Floyd's sampling of MAX_PROVIDERS of `n` indices, each set as likely as any other: the
    /// places (indices below MAX_PROVIDERS) it keeps, as a mask, and the applicants' indices it
    /// chose, in the order drawn.
    function _sample(bytes32 seed, uint256 n) private pure returns (uint256 keptPlaces, uint256[] memory entering) {
        uint256[] memory chosen = new uint256[]((n + 255) >> 8);
        entering = new uint256[](MAX_PROVIDERS);
        uint256 entrants;
        for (uint256 j = n - MAX_PROVIDERS; j < n; ++j) {
            uint256 pick = uint256(keccak256(abi.encode(seed, j))) % (j + 1);
            if (chosen[pick >> 8] & (1 << (pick & 255)) != 0) pick = j;
            chosen[pick >> 8] |= 1 << (pick & 255);
            if (pick >= MAX_PROVIDERS) {
                entering[entrants] = pick;
                ++entrants;
            }
        }
        // Shrink to the filled length in place (no copy).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(entering, entrants)
        }
        // bit 255 of the first word is applicant 0, not a place
        return (chosen[0] & ~(uint256(1) << MAX_PROVIDERS), entering);
    }

    /// @dev Gives each place the draw did not keep, lowest first, to the next applicant it chose; the
    /// one who held it takes the applicant's position. A place changing hands is neither away nor
    /// ejected: those were its previous holder's.
    function _swapIn(uint256 taskId, Task storage t, uint256 keptPlaces, uint256[] memory entering) private {
        Applicant[] storage applicants = _applicants[taskId];
        address[] storage providers = _providers[taskId];
        uint256[] memory weights = _weights(taskId);
        uint256 swapped;
        uint256 place;
        for (uint256 next = 0; next < entering.length; ++next) {
            while (keptPlaces & (1 << place) != 0) {
                ++place;
            }
            uint256 position = entering[next] - MAX_PROVIDERS;
            Applicant memory a = applicants[position];
            address previous = providers[place];
            providers[place] = a.account;
            applicants[position] = Applicant(previous, uint16(weights[place]));
            _slot[taskId][a.account] = place + 1;
            _slot[taskId][previous] = MAX_PROVIDERS + position + 1;
            weights[place] = a.weight;
            swapped |= 1 << place;
            emit ProviderReplaced(taskId, place, previous, a.account);
            ++place;
        }
        away[taskId] &= ~swapped;
        ejected[taskId] &= ~swapped;
        t.totalWeight = _writeWeights(taskId, weights);
    }

    /// @dev Each place's weight, from the running sums.
    function _weights(uint256 taskId) private view returns (uint256[] memory weights) {
        mapping(uint256 => uint256) storage sums = _cumulativeWeights[taskId];
        weights = new uint256[](MAX_PROVIDERS);
        uint256 before;
        for (uint256 i = 0; i < MAX_PROVIDERS; ++i) {
            uint256 sum = _sumAt(sums, i);
            weights[i] = sum - before;
            before = sum;
        }
    }

    /// @dev Writes the running sums of `weights` (every place taken); returns their total.
    function _writeWeights(uint256 taskId, uint256[] memory weights) private returns (uint256 total) {
        mapping(uint256 => uint256) storage sums = _cumulativeWeights[taskId];
        uint256 word;
        for (uint256 i = 0; i < MAX_PROVIDERS; ++i) {
            total += weights[i];
            word |= total << ((i & 15) << 4);
            if (i & 15 == 15 || i + 1 == MAX_PROVIDERS) {
                sums[i >> 4] = word;
                word = 0;
            }
        }
    }

    /// @dev The account's bit in the task's masks (`ejected`, `away`, the verifier's winners): that
    /// of the place it holds, zero when it holds none (it did not join, or is an applicant).
    function _placeBit(uint256 taskId, address account) private view returns (uint256) {
        uint256 slot = _slot[taskId][account];
        return slot == 0 || slot > MAX_PROVIDERS ? 0 : 1 << (slot - 1);
    }

    function _popcount(uint256 x) private pure returns (uint256 count) {
        while (x != 0) {
            x &= x - 1;
            ++count;
        }
    }

    /// @dev Starts `round` without the providers in `out` (the task's `ejected` and `away` now): the round's
    /// draws never change while it runs, and the verifier keeps `out` for later reads, and the
    /// previous round's final version `previousVersion` (0 when none).
    function _startRound(uint256 taskId, Task storage t, uint256 round, uint256 out, uint256 previousVersion) private {
        if (address(verifier) == address(0)) revert VerifierNotSet();
        t.currentRound = uint16(round);
        emit RoundStarted(taskId, round, uint64(block.number), uint64(block.timestamp));
        verifier.onRoundStarted(
            taskId,
            IConsensusVerifier.RoundConfig({
                round: uint16(round),
                shards: t.shards,
                replication: t.replication,
                maxReplication: t.maxReplication,
                fingerprintLength: t.fingerprintLength,
                providerCount: uint8(t.providerCount - _popcount(out)),
                excludes: out != 0,
                tolerance: t.tolerance,
                commitWindow: t.commitWindow,
                revealWindow: t.revealWindow,
                roundStart: uint64(block.timestamp),
                active: true,
                decidedShards: 0,
                rewardPerResult: t.rewardPerResult,
                minStake: t.minStake,
                decidedAt: 0,
                excluded: out
            }),
            previousVersion
        );
    }

    /// @dev First index among `n` whose cumulative weight exceeds `x` (binary search, O(log n)).
    function _upperBound(mapping(uint256 => uint256) storage sums, uint256 n, uint256 x)
        private
        view
        returns (uint256 lo)
    {
        uint256 hi = n - 1;
        while (lo < hi) {
            uint256 mid = (lo + hi) >> 1;
            if (_sumAt(sums, mid) > x) hi = mid;
            else lo = mid + 1;
        }
    }

    /// @dev The cumulative weight of provider `i` (see `_cumulativeWeights`).
    function _sumAt(mapping(uint256 => uint256) storage sums, uint256 i) private view returns (uint256) {
        return uint16(sums[i >> 4] >> ((i & 15) << 4));
    }
}
