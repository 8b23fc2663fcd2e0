// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IConsensusVerifier} from "./interfaces/IConsensusVerifier.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ITaskManager} from "./interfaces/ITaskManager.sol";
import {BlockSeeds} from "./libraries/BlockSeeds.sol";
import {DeltaRoot} from "./libraries/DeltaRoot.sol";
import {Votes} from "./libraries/Votes.sol";

/// @title ConsensusVerifier
/// @notice Commit-reveal of training results and the vote on them. Each assigned provider commits
/// `computeCommitment(...)` (bound to chain, this contract, task, round, shard, attempt, sender,
/// the plaintext delta's CID, the CID of the sealed delta it uploaded, and the salt whose hash is
/// the sealing key), then reveals the salt and a fingerprint of the committed delta. The
/// fingerprint's seed comes from the hash of the block of the attempt's last commit
/// (`fingerprintSeed`), readable from the next block on, so nobody knows it while deltas can still be chosen: a delta cannot be
/// built to match another's sketch. Fingerprints are int32 vectors, packed 4 bytes per entry; two
/// agree when their L-infinity distance is at most the task's tolerance. `finalize` (anyone, after
/// the reveal window or once all replicas revealed) picks the replica that agrees with the most others; if its
/// cluster is a strict majority of the revealed replicas (and, with two or more replicas, has at
/// least two members) the cluster is rewarded, otherwise the shard is re-queued with one more
/// replica (adaptive replication) up to the task's cap and MAX_ATTEMPTS.
/// @dev Storage per result is one slot: the commitment, overwritten at reveal by the result digest
/// (the fingerprint's hash and the delta CID's leaf, hashed together). `finalize` takes the
/// fingerprints and delta leaves as calldata (clients read them from `Revealed` events) and checks
/// each pair against its stored digest, so it costs O(r^2 * k) with r <= 8, k <= 64 and never
/// loops over providers. An accepted shard keeps its winners' mask, so `acceptedDeltaRoot` can
/// check a proposal's list of the round's accepted results against those digests and compute the
/// round's delta root on chain. Slashing is on proof only: a REFEREE_ROLE account (a deterministic
/// CPU referee service) submits a verdict with the evidence's content hash for a revealed result
/// whose fingerprint does not match its delta, whose delta is invalid, or whose re-run disagrees;
/// these proofs need the delta bytes and cannot be checked on chain.
contract ConsensusVerifier is IConsensusVerifier, AccessControl {
    /// @notice May submit slashing verdicts.
    bytes32 public constant REFEREE_ROLE = keccak256("REFEREE_ROLE");
    /// @notice Attempts per shard and round before it is given up.
    uint256 public constant MAX_ATTEMPTS = 4;
    uint256 private constant WINNERS_SENTINEL = 1 << 255;
    /// @dev Marks a re-run's seed whose block is not fixed into storage yet (nonzero, so fixing it
    /// is a nonzero-to-nonzero write).
    bytes32 private constant SEED_PENDING = bytes32(uint256(1));

    /// @notice A shard of a round, one slot (240 bits). `start` and `startBlock` are the timestamp
    /// and block number at which the current attempt started; both are 0 for the first attempt,
    /// which starts with the round (see `roundStarts`). `seedBlock` is the block of the
    /// attempt's latest commit, whose hash seeds the fingerprints (0 before any commit).
    /// `winnersMask` is the accepted cluster once the shard is accepted (the replicas whose
    /// results the round's delta root lists).
    // solhint-disable-next-line gas-struct-packing
    struct Shard {
        uint16 attempt;
        uint8 replication;
        ShardStatus status;
        uint64 start;
        uint16 committedMask;
        uint16 revealedMask;
        uint16 winnersMask;
        uint48 startBlock;
        uint48 seedBlock;
    }

    /// @notice What is kept of an attempt once it is re-queued, one slot.
    struct PastAttempt {
        uint16 revealedMask;
        uint64 seedBlock;
    }

    /// @notice When a round started and the version it ended with, one slot (192 bits).
    struct RoundStart {
        uint64 start;
        uint64 startBlock;
        uint64 version;
    }

    /// @notice Outcome of the vote on one attempt.
    struct Vote {
        uint256 center;
        uint256 clusterMask;
        bool accepted;
        bytes32 centerHash;
        uint256 revealedCount;
    }

    /// @notice A shard being finalized.
    struct ShardCtx {
        uint256 taskId;
        uint256 round;
        uint256 shard;
        bytes32 key;
    }

    /// @notice The task manager.
    ITaskManager public immutable taskManager;
    /// @notice The reward distributor.
    IRewardDistributor public immutable distributor;

    mapping(uint256 taskId => RoundConfig) internal _rounds;
    /// @inheritdoc IConsensusVerifier
    mapping(uint256 taskId => mapping(uint256 round => RoundStart)) public roundStarts;
    mapping(bytes32 shardKey => Shard) internal _shards;
    mapping(bytes32 attemptKey => bytes32) internal _requeueSeeds;
    /// @dev A round's seed, written once, when fixed: past rounds' draws (slashes, challenges)
    /// read it for good, so one fresh slot per round serves both the running round and the archive.
    mapping(uint256 taskId => mapping(uint256 round => bytes32)) internal _roundSeeds;
    /// @dev A past round's `excluded`, kept only when not zero.
    mapping(uint256 taskId => mapping(uint256 round => uint256)) internal _pastExcluded;
    mapping(bytes32 attemptKey => PastAttempt) internal _pastAttempts;
    mapping(bytes32 attemptKey => mapping(uint256 replica => bytes32)) internal _results;
    /// @dev Winners of the task's current round: bit i for provider i, and bit 255 always set so
    /// the slot never returns to zero (a zero-to-nonzero write costs 20k gas, every round).
    mapping(uint256 taskId => uint256 mask) internal _winners;
    /// @notice Whether the result in `replica` of the attempt `attemptKey` was slashed already.
    mapping(bytes32 attemptKey => mapping(uint256 replica => bool)) public slashed;

    /// @notice Deploys the verifier.
    /// @param taskManager_ The task manager (call its `setVerifier` with this contract).
    /// @param distributor_ The distributor (grant this contract SETTLER_ROLE and SLASHER_ROLE).
    /// @param admin Receives DEFAULT_ADMIN_ROLE.
    constructor(ITaskManager taskManager_, IRewardDistributor distributor_, address admin) {
        if (address(taskManager_) == address(0) || address(distributor_) == address(0) || admin == address(0)) {
            revert ZeroAddress();
        }
        taskManager = taskManager_;
        distributor = distributor_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ task manager hooks

    /// @inheritdoc IConsensusVerifier
    function onRoundStarted(uint256 taskId, RoundConfig calldata config, uint256 previousVersion) external {
        if (msg.sender != address(taskManager)) revert OnlyTaskManager(msg.sender);
        if (_rounds[taskId].active) _archiveRound(taskId, previousVersion);
        _rounds[taskId] = config;
        _winners[taskId] = WINNERS_SENTINEL;
        roundStarts[taskId][config.round] = RoundStart(config.roundStart, uint64(block.number), 0);
        emit RoundConfigured(taskId, config.round, config.roundStart);
    }

    /// @inheritdoc IConsensusVerifier
    function roundSeed(uint256 taskId, uint256 round) public view returns (bytes32) {
        bytes32 seed = _roundSeeds[taskId][round];
        RoundConfig storage t = _rounds[taskId];
        if (seed != bytes32(0) || !t.active || t.round != round) return seed;
        return BlockSeeds.seedFrom(roundStarts[taskId][round].startBlock, abi.encode(taskId, round));
    }

    /// @inheritdoc IConsensusVerifier
    function roundWinners(uint256 taskId, uint256 round) external view returns (uint256 mask) {
        RoundConfig storage t = _rounds[taskId];
        if (!t.active || t.round != round) return 0;
        return _winners[taskId] & ~WINNERS_SENTINEL;
    }

    /// @inheritdoc IConsensusVerifier
    function roundProgress(uint256 taskId)
        external
        view
        returns (uint256 round, uint256 decidedShards, uint64 decidedAt)
    {
        RoundConfig storage t = _rounds[taskId];
        return (t.round, t.decidedShards, t.decidedAt);
    }

    /// @inheritdoc IConsensusVerifier
    function onTaskClosed(uint256 taskId, uint256 lastVersion) external {
        if (msg.sender != address(taskManager)) revert OnlyTaskManager(msg.sender);
        _archiveRound(taskId, lastVersion);
        _rounds[taskId].active = false;
        emit TaskClosed(taskId);
    }

    // ------------------------------------------------------------------ commit, reveal, finalize

    /// @inheritdoc IConsensusVerifier
    function commit(uint256 taskId, uint256 round, CommitEntry[] calldata entries) external {
        for (uint256 i = 0; i < entries.length; ++i) {
            _commit(taskId, round, entries[i]);
        }
    }

    /// @inheritdoc IConsensusVerifier
    function reveal(uint256 taskId, uint256 round, RevealEntry[] calldata entries, ShardResults[] calldata decide)
        external
    {
        for (uint256 i = 0; i < entries.length; ++i) {
            RevealEntry calldata e = entries[i];
            ShardCtx memory c = ShardCtx(taskId, round, e.shard, _shardKey(taskId, round, e.shard));
            uint256 attempt = _reveal(c, e.replica, e.opening);
            emit Revealed(
                taskId,
                round,
                e.shard,
                attempt,
                e.replica,
                msg.sender,
                e.opening.deltaCid,
                e.opening.sealedCid,
                e.opening.salt,
                e.opening.fingerprint
            );
        }
        _finalizeAll(taskId, round, decide);
    }

    /// @inheritdoc IConsensusVerifier
    function finalize(uint256 taskId, uint256 round, ShardResults[] calldata shards)
        external
        returns (uint256 acceptedMask)
    {
        return _finalizeAll(taskId, round, shards);
    }

    /// @inheritdoc IConsensusVerifier
    function resolveSplit(uint256 taskId, uint256 round, uint256 shard, uint256 winnersMask, bytes32 evidence)
        external
        onlyRole(REFEREE_ROLE)
    {
        RoundConfig storage t = _activeRound(taskId, round, shard);
        ShardCtx memory c = ShardCtx(taskId, round, shard, _shardKey(taskId, round, shard));
        Shard memory s = _shards[c.key];
        if (s.status != ShardStatus.Disputed) revert NotDisputed(taskId, round, shard);
        uint64 deadline = _refereeDeadline(s, t);
        if (block.timestamp >= deadline) revert RefereeWindowClosed(deadline);
        if (winnersMask & ~uint256(s.revealedMask) != 0) revert InvalidVerdict(winnersMask);
        emit SplitResolved(taskId, round, shard, s.attempt, winnersMask, evidence);
        uint256 losers = s.revealedMask & ~winnersMask;
        for (uint256 i = 0; losers >> i != 0; ++i) {
            if (losers & (1 << i) != 0) {
                _slash(
                    ResultRef(taskId, round, shard, s.attempt, i), SlashReason.RefereeDisagrees, evidence, address(0)
                );
            }
        }
        bytes32 seed = _fixSeed(c, s);
        Vote memory v;
        if (winnersMask != 0) {
            v.center = _lowestBit(winnersMask);
            v.clusterMask = winnersMask;
            v.accepted = true;
            v.centerHash = _results[_attemptKey(c.key, s.attempt)][v.center];
        }
        if (_record(c, s, t, v)) _countDecided(t, taskId, round);
        // Losers were slashed (which costs reputation too), and the missing paid at finalize.
        if (winnersMask != 0) _settle(c, t, seed, s.replication, winnersMask, 0, 0);
    }

    /// @inheritdoc IConsensusVerifier
    function slash(ResultRef calldata ref, SlashReason reason, bytes32 evidence, address reporter)
        external
        onlyRole(REFEREE_ROLE)
        returns (uint256 amount)
    {
        if (reporter == msg.sender || hasRole(REFEREE_ROLE, reporter)) revert RefereeCannotReport(reporter);
        return _slash(ref, reason, evidence, reporter);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IConsensusVerifier
    function computeCommitment(
        uint256 taskId,
        uint256 round,
        uint256 shard,
        uint256 attempt,
        address sender,
        bytes calldata deltaCid,
        bytes calldata sealedCid,
        bytes32 salt
    ) external view returns (bytes32) {
        return commitmentOf(
            block.chainid, address(this), taskId, round, shard, attempt, sender, deltaCid, sealedCid, salt
        );
    }

    /// @inheritdoc IConsensusVerifier
    function commitmentOf(
        uint256 chainId,
        address verifier,
        uint256 taskId,
        uint256 round,
        uint256 shard,
        uint256 attempt,
        address sender,
        bytes calldata deltaCid,
        bytes calldata sealedCid,
        bytes32 salt
    ) public pure returns (bytes32) {
        return keccak256(
            abi.encode(chainId, verifier, taskId, round, shard, attempt, sender, deltaCid, sealedCid, salt)
        );
    }

    /// @inheritdoc IConsensusVerifier
    function fingerprintSeed(uint256 taskId, uint256 round, uint256 shard, uint256 attempt)
        external
        view
        returns (uint64 seedBlock, bytes32 seed)
    {
        bytes32 key = _shardKey(taskId, round, shard);
        Shard memory s = _shards[key];
        if (attempt == s.attempt) seedBlock = s.seedBlock;
        else if (attempt < s.attempt) seedBlock = _pastAttempts[_attemptKey(key, attempt)].seedBlock;
        seed = _fingerprintSeed(seedBlock, taskId, round, shard, attempt);
    }

    /// @inheritdoc IConsensusVerifier
    function fingerprintsAgree(bytes calldata a, bytes calldata b, uint32 tolerance) external pure returns (bool) {
        return Votes.agree(a, b, tolerance);
    }

    /// @inheritdoc IConsensusVerifier
    function assignment(uint256 taskId, uint256 round, uint256 shard)
        external
        view
        returns (
            address[] memory providers,
            uint256 attempt,
            ShardStatus status,
            uint64 commitDeadline,
            uint64 revealDeadline,
            uint256 committedMask,
            uint256 revealedMask
        )
    {
        Shard memory s = _loadShard(_shardKey(taskId, round, shard), _rounds[taskId]);
        bytes32 seed = _drawSeed(taskId, round, shard, s);
        // No providers within the block whose hash fixes the seed: it is not known there.
        if (seed != bytes32(0)) {
            providers = taskManager.drawProviders(taskId, _excludedIn(taskId, round), seed, s.replication);
        }
        (commitDeadline, revealDeadline) = _deadlines(taskId, round, s);
        return (providers, s.attempt, s.status, commitDeadline, revealDeadline, s.committedMask, s.revealedMask);
    }

    /// @inheritdoc IConsensusVerifier
    function attemptStart(uint256 taskId, uint256 round, uint256 shard)
        external
        view
        returns (uint256 attempt, uint64 start, uint64 startBlock)
    {
        Shard memory s = _shards[_shardKey(taskId, round, shard)];
        (start, startBlock) = _attemptStart(taskId, round, s);
        return (s.attempt, start, startBlock);
    }

    /// @inheritdoc IConsensusVerifier
    function resultOf(uint256 taskId, uint256 round, uint256 shard, uint256 attempt, uint256 replica)
        external
        view
        returns (bytes32)
    {
        return _results[_attemptKey(_shardKey(taskId, round, shard), attempt)][replica];
    }

    /// @inheritdoc IConsensusVerifier
    function slashableResult(ResultRef calldata ref) external view returns (address provider) {
        (, provider) = _slashable(ref);
    }

    /// @inheritdoc IConsensusVerifier
    function shardWinners(uint256 taskId, uint256 round, uint256 shard)
        external
        view
        returns (uint256 attempt, uint256 winnersMask)
    {
        Shard memory s = _shards[_shardKey(taskId, round, shard)];
        return (s.attempt, s.winnersMask);
    }

    /// @inheritdoc IConsensusVerifier
    function acceptedDeltaRoot(uint256 taskId, uint256 round, AcceptedResult[] calldata results)
        external
        view
        returns (bytes32)
    {
        RoundConfig storage t = _rounds[taskId];
        if (!t.active || round != t.round) revert RoundNotActive(taskId, round);
        bytes32[] memory leaves = new bytes32[](results.length);
        uint256 next;
        for (uint256 shard = 0; shard < t.shards; ++shard) {
            bytes32 key = _shardKey(taskId, round, shard);
            Shard memory s = _shards[key];
            if (s.status != ShardStatus.Accepted) continue;
            bytes32 attemptKey = _attemptKey(key, s.attempt);
            for (uint256 replica = 0; s.winnersMask >> replica != 0; ++replica) {
                if (s.winnersMask & (1 << replica) == 0) continue;
                if (next == results.length) revert AcceptedResultMissing(shard, replica);
                AcceptedResult calldata r = results[next];
                if (_resultDigest(r.fingerprintHash, r.deltaLeaf) != _results[attemptKey][replica]) {
                    revert NotAcceptedResult(next, shard, replica);
                }
                leaves[next] = r.deltaLeaf;
                ++next;
            }
        }
        if (next != results.length) revert ExtraAcceptedResults(results.length, next);
        return DeltaRoot.root(leaves);
    }

    // ------------------------------------------------------------------ internal

    function _slash(ResultRef memory ref, SlashReason reason, bytes32 evidence, address reporter)
        private
        returns (uint256 amount)
    {
        (bytes32 attemptKey, address provider) = _slashable(ref);
        slashed[attemptKey][ref.replica] = true;
        amount = distributor.slash(provider, ref.taskId, _rounds[ref.taskId].minStake, reporter);
        // Its lock is spent: drawn again, a later fraud could take only what it left unlocked.
        taskManager.eject(ref.taskId, provider);
        emit ResultSlashed(
            ref.taskId, ref.round, ref.shard, ref.attempt, ref.replica, provider, reason, evidence, amount
        );
    }

    /// @dev The attempt's key and the provider of a result that is revealed and not yet slashed.
    function _slashable(ResultRef memory ref) private view returns (bytes32 attemptKey, address provider) {
        bytes32 key = _shardKey(ref.taskId, ref.round, ref.shard);
        attemptKey = _attemptKey(key, ref.attempt);
        if (!_isRevealed(key, attemptKey, ref.attempt, ref.replica)) revert ResultNotRevealed(ref.replica);
        if (slashed[attemptKey][ref.replica]) revert AlreadySlashed(ref.replica);
        provider = _assigneeOf(ref);
    }

    function _assigneeOf(ResultRef memory ref) private view returns (address) {
        // The result was committed, so its seed was fixed into storage then.
        bytes32 seed = ref.attempt == 0
            ? keccak256(abi.encode(roundSeed(ref.taskId, ref.round), ref.shard, uint256(0)))
            : _requeueSeeds[_attemptKey(_shardKey(ref.taskId, ref.round, ref.shard), ref.attempt)];
        return taskManager.drawnAt(ref.taskId, _excludedIn(ref.taskId, ref.round), seed, ref.replica);
    }

    function _activeRound(uint256 taskId, uint256 round, uint256 shard) private view returns (RoundConfig storage t) {
        t = _rounds[taskId];
        if (!t.active || round != t.round) revert RoundNotActive(taskId, round);
        if (shard >= t.shards) revert InvalidShard(shard);
    }

    function _loadShard(bytes32 key, RoundConfig storage t) private view returns (Shard memory s) {
        s = _shards[key];
        // A task starts only with at least `replication` providers, so the first attempt is full.
        if (s.replication == 0) s.replication = t.replication;
    }

    function _start(Shard memory s, RoundConfig storage t) private view returns (uint64) {
        return s.start == 0 ? t.roundStart : s.start;
    }

    /// @dev The draw seed of a shard attempt as a view: zero within its own block.
    function _drawSeed(uint256 taskId, uint256 round, uint256 shard, Shard memory s) private view returns (bytes32) {
        if (s.attempt == 0) {
            bytes32 base = roundSeed(taskId, round);
            return base == bytes32(0) ? base : keccak256(abi.encode(base, shard, uint256(0)));
        }
        bytes32 seed = _requeueSeeds[_attemptKey(_shardKey(taskId, round, shard), s.attempt)];
        if (seed != SEED_PENDING) return seed;
        return BlockSeeds.seedFrom(s.startBlock, abi.encode(taskId, round, shard, uint256(s.attempt)));
    }

    function _deadlines(uint256 taskId, uint256 round, Shard memory s)
        private
        view
        returns (uint64 commitDeadline, uint64 revealDeadline)
    {
        RoundConfig storage t = _rounds[taskId];
        (uint64 start,) = _attemptStart(taskId, round, s);
        commitDeadline = start + t.commitWindow;
        revealDeadline = commitDeadline + t.revealWindow;
    }

    function _attemptStart(uint256 taskId, uint256 round, Shard memory s)
        private
        view
        returns (uint64 start, uint64 startBlock)
    {
        if (s.start != 0) return (s.start, s.startBlock);
        RoundStart storage r = roundStarts[taskId][round];
        return (r.start, r.startBlock);
    }

    /// @dev The draw seed of the shard's current attempt, fixed into storage at its first use. It
    /// comes from the hash of the block that started the round (or the re-run), which no
    /// transaction in that block can read, so the caller of `advance` or `finalize` cannot know it
    /// and cannot grind it.
    function _fixSeed(ShardCtx memory c, Shard memory s) private returns (bytes32) {
        if (s.attempt == 0) {
            bytes32 base = _roundSeeds[c.taskId][c.round];
            if (base == bytes32(0)) {
                uint64 startBlock = roundStarts[c.taskId][c.round].startBlock;
                base = BlockSeeds.seedFrom(startBlock, abi.encode(c.taskId, c.round));
                if (base == bytes32(0)) revert SeedNotDrawn(startBlock);
                _roundSeeds[c.taskId][c.round] = base;
            }
            return keccak256(abi.encode(base, c.shard, uint256(0)));
        }
        bytes32 attemptKey = _attemptKey(c.key, s.attempt);
        bytes32 seed = _requeueSeeds[attemptKey];
        if (seed == SEED_PENDING) {
            seed = BlockSeeds.seedFrom(s.startBlock, abi.encode(c.taskId, c.round, c.shard, uint256(s.attempt)));
            if (seed == bytes32(0)) revert SeedNotDrawn(s.startBlock);
            _requeueSeeds[attemptKey] = seed;
        }
        return seed;
    }

    /// @dev Keeps the ending round's exclusions for later reads (assignments of past rounds,
    /// slashes; its seed is kept already), and its final version next to its start, in the slot
    /// written when it started (a rewrite, where a slot of its own would be a fresh write every round).
    function _archiveRound(uint256 taskId, uint256 version) private {
        RoundConfig storage t = _rounds[taskId];
        if (version != 0) roundStarts[taskId][t.round].version = uint64(version);
        if (t.excludes) _pastExcluded[taskId][t.round] = t.excluded;
    }

    /// @dev The providers left out of the running round's draws (one more slot read only when any).
    function _excludedOf(RoundConfig storage t) private view returns (uint256) {
        return t.excludes ? t.excluded : 0;
    }

    /// @dev The providers left out of the draws of `round`, running or past.
    function _excludedIn(uint256 taskId, uint256 round) private view returns (uint256) {
        RoundConfig storage t = _rounds[taskId];
        if (t.active && t.round == round) return _excludedOf(t);
        return _pastExcluded[taskId][round];
    }

    function _requeue(ShardCtx memory c, Shard memory s, RoundConfig storage t) private {
        uint256 next = s.replication + 1;
        if (next > t.maxReplication) next = t.maxReplication;
        if (next > t.providerCount) next = t.providerCount;
        uint16 attempt = s.attempt + 1;
        _pastAttempts[_attemptKey(c.key, s.attempt)] = PastAttempt(s.revealedMask, s.seedBlock);
        _requeueSeeds[_attemptKey(c.key, attempt)] = SEED_PENDING;
        _shards[c.key] = Shard({
            attempt: attempt,
            replication: uint8(next),
            status: ShardStatus.Open,
            start: uint64(block.timestamp),
            committedMask: 0,
            revealedMask: 0,
            winnersMask: 0,
            startBlock: uint48(block.number),
            seedBlock: 0
        });
        emit ShardRequeued(c.taskId, c.round, c.shard, attempt, next);
    }

    function _commit(uint256 taskId, uint256 round, CommitEntry calldata e) private {
        if (e.commitment == bytes32(0)) revert ZeroCommitment();
        RoundConfig storage t = _activeRound(taskId, round, e.shard);
        ShardCtx memory c = ShardCtx(taskId, round, e.shard, _shardKey(taskId, round, e.shard));
        Shard memory s = _loadShard(c.key, t);
        if (s.status != ShardStatus.Open) revert ShardClosed(taskId, round, e.shard);
        uint64 deadline = _start(s, t) + t.commitWindow;
        if (block.timestamp >= deadline) revert CommitWindowClosed(deadline);
        uint256 replica = e.replica;
        if (replica >= s.replication) revert InvalidReplica(replica);
        uint16 bit = uint16(1 << replica);
        if (s.committedMask & bit != 0) revert AlreadyCommitted(replica);
        bytes32 seed = _fixSeed(c, s);
        address assignee = taskManager.drawnAt(taskId, _excludedOf(t), seed, replica);
        if (assignee != msg.sender) revert NotAssigned(msg.sender, assignee);
        s.committedMask |= bit;
        // Every commit moves the fingerprint seed to its own block, whose hash nobody sending a
        // transaction into that block can know.
        s.seedBlock = uint48(block.number);
        _shards[c.key] = s;
        _results[_attemptKey(c.key, s.attempt)][replica] = e.commitment;
        emit Committed(taskId, round, e.shard, s.attempt, replica, msg.sender, e.commitment);
    }

    function _finalizeAll(uint256 taskId, uint256 round, ShardResults[] calldata shards)
        private
        returns (uint256 acceptedMask)
    {
        for (uint256 i = 0; i < shards.length; ++i) {
            ShardResults calldata r = shards[i];
            if (_finalize(taskId, round, r.shard, r.fingerprints, r.deltaLeaves)) acceptedMask |= 1 << i;
        }
    }

    function _finalize(
        uint256 taskId,
        uint256 round,
        uint256 shard,
        bytes[] calldata fingerprints,
        bytes32[] calldata deltaLeaves
    ) private returns (bool) {
        RoundConfig storage t = _activeRound(taskId, round, shard);
        ShardCtx memory c = ShardCtx(taskId, round, shard, _shardKey(taskId, round, shard));
        Shard memory s = _loadShard(c.key, t);
        if (s.status == ShardStatus.Disputed) {
            uint64 deadline = _refereeDeadline(s, t);
            if (block.timestamp < deadline) revert RefereeWindowOpen(deadline);
            // The referee missed its deadline: nobody is slashed, the shard runs again.
            if (_record(c, s, t, Vote(0, 0, false, bytes32(0), 0))) _countDecided(t, taskId, round);
            return false;
        }
        _checkFinalizable(s, t, fingerprints.length, deltaLeaves.length, c);
        Vote memory v = _vote(_attemptKey(c.key, s.attempt), s, fingerprints, deltaLeaves, t.tolerance);
        _decide(c, s, t, v);
        return v.accepted;
    }

    function _reveal(ShardCtx memory c, uint256 replica, Opening calldata o) private returns (uint256) {
        RoundConfig storage t = _activeRound(c.taskId, c.round, c.shard);
        Shard memory s = _shards[c.key];
        if (s.status != ShardStatus.Open) revert ShardClosed(c.taskId, c.round, c.shard);
        uint16 bit = uint16(1 << (replica & 15));
        if (replica >= s.replication || s.committedMask & bit == 0) revert NotCommitted(replica);
        if (s.revealedMask & bit != 0) revert AlreadyRevealed(replica);
        uint64 commitEnd = _start(s, t) + t.commitWindow;
        if (block.timestamp < commitEnd && s.committedMask != _full(s.replication)) revert RevealNotOpen(commitEnd);
        if (block.timestamp >= commitEnd + t.revealWindow) revert RevealWindowClosed(commitEnd + t.revealWindow);
        // The fingerprint is taken under the hash of `seedBlock`, known only from the next block on.
        if (block.number <= s.seedBlock) revert FingerprintSeedNotDrawn(s.seedBlock);
        if (o.fingerprint.length != 4 * uint256(t.fingerprintLength)) {
            revert InvalidFingerprintLength(o.fingerprint.length, 4 * uint256(t.fingerprintLength));
        }
        bytes32 attemptKey = _attemptKey(c.key, s.attempt);
        if (_results[attemptKey][replica] != _commitmentOf(c, s.attempt, o)) revert CommitmentMismatch();
        s.revealedMask |= bit;
        _shards[c.key] = s;
        _results[attemptKey][replica] = _resultDigest(keccak256(o.fingerprint), DeltaRoot.leaf(o.deltaCid));
        return s.attempt;
    }

    /// @dev What a revealed result slot holds: `keccak256(fingerprintHash ‖ deltaLeaf)`, binding the
    /// fingerprint the vote compares and the delta CID the round's delta root lists.
    function _resultDigest(bytes32 fingerprintHash, bytes32 deltaLeaf) private pure returns (bytes32) {
        return keccak256(abi.encode(fingerprintHash, deltaLeaf));
    }

    /// @dev The commitment the caller must have made for `o`.
    function _commitmentOf(ShardCtx memory c, uint256 attempt, Opening calldata o) private view returns (bytes32) {
        return commitmentOf(
            block.chainid,
            address(this),
            c.taskId,
            c.round,
            c.shard,
            attempt,
            msg.sender,
            o.deltaCid,
            o.sealedCid,
            o.salt
        );
    }

    /// @dev keccak256(abi.encode(blockhash(seedBlock), taskId, round, shard, attempt)); zero before
    /// the attempt's first commit, within `seedBlock` itself, or once its hash left the EVM's
    /// 256-block window (clients then read the block's hash from their node).
    function _fingerprintSeed(uint64 seedBlock, uint256 taskId, uint256 round, uint256 shard, uint256 attempt)
        private
        view
        returns (bytes32)
    {
        if (seedBlock == 0 || block.number <= seedBlock) return bytes32(0);
        bytes32 hash = blockhash(seedBlock);
        if (hash == bytes32(0)) return bytes32(0);
        return keccak256(abi.encode(hash, taskId, round, shard, attempt));
    }

    function _countDecided(RoundConfig storage t, uint256 taskId, uint256 round) private {
        uint16 decided = t.decidedShards + 1;
        t.decidedShards = decided;
        if (decided == t.shards) {
            t.decidedAt = uint64(block.timestamp);
            emit RoundDecided(taskId, round, uint64(block.timestamp));
        }
    }

    /// @dev Effects of a vote: accept and pay the cluster, send a split to the referee, or re-queue.
    function _decide(ShardCtx memory c, Shard memory s, RoundConfig storage t, Vote memory v) private {
        bytes32 seed = _fixSeed(c, s);
        uint16 revealedMask = s.revealedMask;
        uint256 missed = _full(s.replication) & ~uint256(revealedMask);
        if (v.accepted) {
            if (_record(c, s, t, v)) _countDecided(t, c.taskId, c.round);
            _settle(c, t, seed, s.replication, v.clusterMask, revealedMask & ~v.clusterMask, missed);
        } else if (v.revealedCount >= 2) {
            // Junk against an honest replica is not a free re-run: the referee decides this attempt.
            s.status = ShardStatus.Disputed;
            _shards[c.key] = s;
            emit ShardDisputed(c.taskId, c.round, c.shard, s.attempt, revealedMask, _refereeDeadline(s, t));
            _settle(c, t, seed, s.replication, 0, 0, missed);
        } else {
            if (_record(c, s, t, v)) _countDecided(t, c.taskId, c.round);
            _settle(c, t, seed, s.replication, 0, 0, missed);
        }
    }

    function _checkFinalizable(
        Shard memory s,
        RoundConfig storage t,
        uint256 fingerprints,
        uint256 leaves,
        ShardCtx memory c
    ) private view {
        if (s.status != ShardStatus.Open) revert ShardClosed(c.taskId, c.round, c.shard);
        uint64 revealEnd = _start(s, t) + t.commitWindow + t.revealWindow;
        if (block.timestamp < revealEnd && s.revealedMask != _full(s.replication)) revert FinalizeTooEarly(revealEnd);
        if (fingerprints != s.replication || leaves != s.replication) {
            revert ResultCountMismatch(fingerprints, leaves, s.replication);
        }
    }

    /// @dev Effects of a decision: accept, re-queue or fail. Returns whether the shard is decided.
    function _record(ShardCtx memory c, Shard memory s, RoundConfig storage t, Vote memory v)
        private
        returns (bool decided)
    {
        if (v.accepted) {
            s.status = ShardStatus.Accepted;
            s.winnersMask = uint16(v.clusterMask);
            _shards[c.key] = s;
            emit ShardAccepted(c.taskId, c.round, c.shard, s.attempt, v.center, v.clusterMask, v.centerHash);
            return true;
        }
        if (s.attempt + 1 < MAX_ATTEMPTS) {
            _requeue(c, s, t);
            return false;
        }
        s.status = ShardStatus.Failed;
        _shards[c.key] = s;
        emit ShardFailed(c.taskId, c.round, c.shard, s.attempt);
        return true;
    }

    /// @dev Checks every revealed fingerprint and delta leaf against the stored result digest, then
    /// takes the vote (see `Votes`): the replica that agrees with the most revealed replicas (ties:
    /// lowest index) and its cluster.
    function _vote(
        bytes32 attemptKey,
        Shard memory s,
        bytes[] calldata fps,
        bytes32[] calldata leaves,
        uint32 tolerance
    ) private view returns (Vote memory v) {
        uint256 revealedMask = s.revealedMask;
        for (uint256 i = 0; i < fps.length; ++i) {
            if (revealedMask & (1 << i) == 0) continue;
            bytes32 digest = _resultDigest(keccak256(fps[i]), leaves[i]);
            if (digest != _results[attemptKey][i]) revert NotWhatWasRevealed(i);
        }
        uint256[] memory clusterMasks;
        (clusterMasks, v.revealedCount) = Votes.clusters(fps, revealedMask, tolerance);
        (v.center, v.clusterMask, v.accepted) = Votes.majority(clusterMasks, v.revealedCount);
        if (v.accepted) v.centerHash = _results[attemptKey][v.center];
    }

    /// @dev Adds the accepted cluster's providers to the round's winners.
    function _recordWinners(uint256 taskId, uint256[] memory indices, uint256 clusterMask) private {
        uint256 mask = _winners[taskId];
        uint256 next = mask;
        for (uint256 i = 0; i < indices.length; ++i) {
            if (clusterMask & (1 << i) != 0) next |= 1 << indices[i];
        }
        if (next != mask) _winners[taskId] = next;
    }

    /// @dev Pays the replicas in `winners`, marks `outvoted` and `missed` ones (bit i: replica i),
    /// and records the winners of the round.
    function _settle(
        ShardCtx memory c,
        RoundConfig storage t,
        bytes32 seed,
        uint256 replication,
        uint256 winners,
        uint256 outvoted,
        uint256 missed
    ) private {
        (address[] memory assignees, uint256[] memory indices) =
            taskManager.drawAssignees(c.taskId, _excludedOf(t), seed, replication);
        if (winners != 0) _recordWinners(c.taskId, indices, winners);
        (address[] memory w, address[] memory o, address[] memory m) = _partition(assignees, winners, outvoted, missed);
        uint256 exhausted = distributor.settle(c.taskId, t.rewardPerResult, t.minStake, w, o, m);
        // Missing again with the deposit spent: offline for good, as far as this task can tell.
        for (uint256 i = 0; exhausted >> i != 0; ++i) {
            if (exhausted & (1 << i) != 0) taskManager.eject(c.taskId, m[i]);
        }
    }

    /// @dev The assignees whose bit is set in each mask, in replica order, in one pass.
    function _partition(address[] memory assignees, uint256 winners, uint256 outvoted, uint256 missed)
        private
        pure
        returns (address[] memory w, address[] memory o, address[] memory m)
    {
        uint256 r = assignees.length;
        w = new address[](r);
        o = new address[](r);
        m = new address[](r);
        uint256 nw;
        uint256 no;
        uint256 nm;
        for (uint256 i = 0; i < r; ++i) {
            uint256 bit = 1 << i;
            if (winners & bit != 0) {
                w[nw] = assignees[i];
                ++nw;
            } else if (outvoted & bit != 0) {
                o[no] = assignees[i];
                ++no;
            } else if (missed & bit != 0) {
                m[nm] = assignees[i];
                ++nm;
            }
        }
        // Shrink the arrays in place to their filled lengths (no copy).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(w, nw)
            mstore(o, no)
            mstore(m, nm)
        }
    }

    function _lowestBit(uint256 mask) private pure returns (uint256 i) {
        while (mask & (1 << i) == 0) {
            ++i;
        }
    }

    /// @dev A split's referee window: as long as the reveal window, after it.
    function _refereeDeadline(Shard memory s, RoundConfig storage t) private view returns (uint64) {
        return _start(s, t) + t.commitWindow + 2 * t.revealWindow;
    }

    function _isRevealed(bytes32 key, bytes32 attemptKey, uint256 attempt, uint256 replica)
        private
        view
        returns (bool)
    {
        if (replica >= 16 || _results[attemptKey][replica] == bytes32(0)) return false;
        Shard memory s = _shards[key];
        // A re-queue resets the masks; the mask of the attempt it closed is kept aside.
        if (attempt == s.attempt) return s.revealedMask & (1 << replica) != 0;
        return attempt < s.attempt && _pastAttempts[attemptKey].revealedMask & (1 << replica) != 0;
    }

    function _full(uint256 replication) private pure returns (uint16) {
        return uint16((1 << replication) - 1);
    }

    function _shardKey(uint256 taskId, uint256 round, uint256 shard) private pure returns (bytes32) {
        return keccak256(abi.encode(taskId, round, shard));
    }

    function _attemptKey(bytes32 shardKey, uint256 attempt) private pure returns (bytes32) {
        return keccak256(abi.encode(shardKey, attempt));
    }
}
