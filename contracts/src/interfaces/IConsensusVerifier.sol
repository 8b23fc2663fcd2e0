// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IConsensusVerifier
/// @notice Interface of the ConsensusVerifier: commit-reveal of training results, the vote on them
/// and slashing on a referee's proof. The TaskManager pushes the configuration of each round as it
/// starts, and the end of a task; the verifier keeps this copy so that commit, reveal and finalize
/// read three local slots instead of calling the TaskManager.
interface IConsensusVerifier {
    /// @notice Status of a shard in a round.
    enum ShardStatus {
        Open,
        Accepted,
        Failed,
        Disputed
    }

    /// @notice Why a referee slashes.
    enum SlashReason {
        FingerprintMismatch,
        InvalidDelta,
        RefereeDisagrees
    }

    /// @notice Everything the verifier needs about the running round of a task (four slots), and
    /// the round's progress (`decidedShards`, `decidedAt`), which the verifier keeps. `excluded`
    /// (the providers ejected before the round started, left out of its draws) has a slot of its
    /// own, read only when `excludes` says it is not zero.
    struct RoundConfig {
        uint16 round;
        uint16 shards;
        uint8 replication;
        uint8 maxReplication;
        uint8 fingerprintLength;
        /// Providers that may be drawn in the round (joined and not ejected).
        uint8 providerCount;
        bool excludes;
        uint32 tolerance;
        uint32 commitWindow;
        uint32 revealWindow;
        uint64 roundStart;
        bool active;
        uint16 decidedShards;
        uint96 rewardPerResult;
        uint96 minStake;
        uint64 decidedAt;
        uint256 excluded;
    }

    /// @notice What a reveal opens: the committed values and the fingerprint.
    struct Opening {
        /// Binary CID of the plaintext delta (its header binds provider and attempt).
        bytes deltaCid;
        /// Binary CID of the sealed delta uploaded before the commit (AES-256-GCM, key from salt).
        bytes sealedCid;
        /// The fingerprint of the plaintext delta under `fingerprintSeed`, packed: each entry a
        /// big-endian two's-complement int32, 4 bytes per entry.
        bytes fingerprint;
        /// The commitment's salt; the sealing key is derived from it.
        bytes32 salt;
    }

    /// @notice One commitment of a `commit` batch.
    struct CommitEntry {
        /// The shard.
        uint256 shard;
        /// The caller's replica slot (see `assignment`).
        uint256 replica;
        /// `computeCommitment(taskId, round, shard, attempt, msg.sender, deltaCid, sealedCid, salt)`.
        bytes32 commitment;
    }

    /// @notice One opening of a `reveal` batch.
    struct RevealEntry {
        /// The shard.
        uint256 shard;
        /// The caller's replica slot.
        uint256 replica;
        /// The committed CIDs and salt, and the fingerprint under `fingerprintSeed`.
        Opening opening;
    }

    /// @notice Every replica's revealed result of a shard's current attempt, in slot order: what
    /// deciding the shard compares (empty fingerprint and zero leaf for a slot that did not reveal).
    struct ShardResults {
        /// The shard.
        uint256 shard;
        /// One packed fingerprint per replica slot (see `Opening.fingerprint`).
        bytes[] fingerprints;
        /// One `keccak256(0x00 ‖ deltaCid)` per replica slot.
        bytes32[] deltaLeaves;
    }

    /// @notice What a revealed result slot stores the digest of: `keccak256(abi.encode(
    /// fingerprintHash, deltaLeaf))`. A proposal lists one per winner of the round, so the
    /// verifier can check it and compute the round's delta root from the leaves.
    struct AcceptedResult {
        /// keccak256 of the revealed fingerprint as packed (4 bytes per entry).
        bytes32 fingerprintHash;
        /// `keccak256(0x00 ‖ deltaCid)`, the delta root's leaf of the revealed delta CID.
        bytes32 deltaLeaf;
    }

    /// @notice Names one result: task, round, shard, attempt and replica slot.
    struct ResultRef {
        uint256 taskId;
        uint256 round;
        uint256 shard;
        uint256 attempt;
        uint256 replica;
    }

    /// @notice The task is not running or `round` is not its current round.
    /// @param taskId The task.
    /// @param round The round given.
    error RoundNotActive(uint256 taskId, uint256 round);
    /// @notice The shard index is out of range.
    /// @param shard The shard given.
    error InvalidShard(uint256 shard);
    /// @notice The replica index is out of range for this attempt.
    /// @param replica The replica slot given.
    error InvalidReplica(uint256 replica);
    /// @notice The shard is already accepted or failed.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    error ShardClosed(uint256 taskId, uint256 round, uint256 shard);
    /// @notice The commit window ended at `deadline`.
    /// @param deadline End of the commit window.
    error CommitWindowClosed(uint64 deadline);
    /// @notice The caller is not the provider drawn for this replica.
    /// @param caller The caller.
    /// @param assignee The provider drawn for the replica slot.
    error NotAssigned(address caller, address assignee);
    /// @notice The replica slot already holds a commitment.
    /// @param replica The replica slot.
    error AlreadyCommitted(uint256 replica);
    /// @notice A commitment of zero was given.
    error ZeroCommitment();
    /// @notice Nothing was committed for this replica in this attempt.
    /// @param replica The replica slot.
    error NotCommitted(uint256 replica);
    /// @notice The replica was already revealed.
    /// @param replica The replica slot.
    error AlreadyRevealed(uint256 replica);
    /// @notice The reveal window opens at `opensAt` (or when every replica has committed).
    /// @param opensAt When the reveal window opens.
    error RevealNotOpen(uint64 opensAt);
    /// @notice The reveal window ended at `deadline`.
    /// @param deadline End of the reveal window.
    error RevealWindowClosed(uint64 deadline);
    /// @notice The packed fingerprint does not have the task's length (4 bytes per entry).
    /// @param length The length given, in bytes.
    /// @param expected 4 times the task's fingerprint length.
    error InvalidFingerprintLength(uint256 length, uint256 expected);
    /// @notice The revealed values do not hash to the stored commitment for this sender.
    error CommitmentMismatch();
    /// @notice Finalizing must wait until `opensAt` (or until every replica has revealed).
    /// @param opensAt End of the reveal window.
    error FinalizeTooEarly(uint64 opensAt);
    /// @notice One fingerprint and one delta leaf per replica slot are required.
    /// @param fingerprints Fingerprints given.
    /// @param deltaLeaves Delta leaves given.
    /// @param expected Replica slots of the attempt.
    error ResultCountMismatch(uint256 fingerprints, uint256 deltaLeaves, uint256 expected);
    /// @notice The fingerprint or delta leaf given for `replica` is not what it revealed.
    /// @param replica The replica slot.
    error NotWhatWasRevealed(uint256 replica);
    /// @notice The round's accepted results run out before the winner `replica` of `shard`.
    /// @param shard The accepted shard.
    /// @param replica Its winner with no result given.
    error AcceptedResultMissing(uint256 shard, uint256 replica);
    /// @notice `results[index]` is not what the winner `replica` of `shard` revealed.
    /// @param index The position in the list given.
    /// @param shard The accepted shard.
    /// @param replica The winner expected at that position.
    error NotAcceptedResult(uint256 index, uint256 shard, uint256 replica);
    /// @notice More results were given than the round has winners.
    /// @param given Results given.
    /// @param accepted Accepted results of the round.
    error ExtraAcceptedResults(uint256 given, uint256 accepted);
    /// @notice The result was not revealed, so there is nothing to prove against it.
    /// @param replica The replica slot.
    error ResultNotRevealed(uint256 replica);
    /// @notice The result was already slashed.
    /// @param replica The replica slot.
    error AlreadySlashed(uint256 replica);
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice The block whose hash fixes the draw is the current one; try again in a later block.
    /// @param seedBlock The block (the round's or the re-run's start).
    error SeedNotDrawn(uint256 seedBlock);
    /// @notice The shard is not waiting for a referee's verdict.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    error NotDisputed(uint256 taskId, uint256 round, uint256 shard);
    /// @notice The referee's window for this split ended at `deadline`.
    /// @param deadline End of the referee window.
    error RefereeWindowClosed(uint64 deadline);
    /// @notice The referee's window for this split is still open until `deadline`.
    /// @param deadline End of the referee window.
    error RefereeWindowOpen(uint64 deadline);
    /// @notice A verdict may name as winners only replicas that revealed.
    /// @param winnersMask The winners named.
    error InvalidVerdict(uint256 winnersMask);
    /// @notice The block whose hash seeds the fingerprints is the current one; reveal in a later block.
    /// @param seedBlock The block of the attempt's latest commit.
    error FingerprintSeedNotDrawn(uint256 seedBlock);
    /// @notice The referee may not be the reporter of a verdict (nor take its share).
    /// @param reporter The reporter named.
    error RefereeCannotReport(address reporter);
    /// @notice Only the task manager may call this.
    /// @param caller The caller.
    error OnlyTaskManager(address caller);

    /// @notice The task manager started round `round` of `taskId`. Its seed is not known in this
    /// block (`roundSeed`).
    /// @param taskId The task.
    /// @param round The round.
    /// @param roundStart When the round started.
    event RoundConfigured(uint256 indexed taskId, uint256 indexed round, uint64 roundStart);
    /// @notice Every shard of `round` is accepted or failed; the round can be aggregated.
    /// @param taskId The task.
    /// @param round The round.
    /// @param decidedAt When the last shard was decided.
    event RoundDecided(uint256 indexed taskId, uint256 indexed round, uint64 decidedAt);
    /// @notice The task completed or was cancelled: no more commits, reveals or finalizations.
    /// @param taskId The task.
    event TaskClosed(uint256 indexed taskId);
    /// @notice `provider` committed `commitment` for a replica slot.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    /// @param replica The replica slot.
    /// @param provider The provider.
    /// @param commitment The commitment.
    event Committed(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 replica,
        address provider,
        bytes32 commitment
    );
    /// @notice `provider` revealed its result for a replica slot.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    /// @param replica The replica slot.
    /// @param provider The provider.
    /// @param deltaCid Binary CID of the plaintext delta.
    /// @param sealedCid Binary CID of the sealed delta.
    /// @param salt The salt, from which the sealing key is derived.
    /// @param fingerprint The revealed fingerprint, packed (4 bytes per entry).
    event Revealed(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 replica,
        address provider,
        bytes deltaCid,
        bytes sealedCid,
        bytes32 salt,
        bytes fingerprint
    );
    /// @notice The shard's result was accepted; aggregators use every winner's delta whose bytes check out.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    /// @param center Replica whose fingerprint is the cluster center.
    /// @param winnersMask Bit i set when replica i is in the winning cluster.
    /// @param resultDigest The center's result digest (see `AcceptedResult`).
    event ShardAccepted(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 center,
        uint256 winnersMask,
        bytes32 resultDigest
    );
    /// @notice Two or more replicas revealed and none has a majority: the referee decides this
    /// attempt (`resolveSplit`) before `refereeDeadline`; after it anyone re-queues the shard.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    /// @param revealedMask Bit i set when replica i revealed.
    /// @param refereeDeadline When the referee's window ends.
    event ShardDisputed(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 revealedMask,
        uint64 refereeDeadline
    );
    /// @notice The referee settled a split: `winnersMask` is paid, the other revealed replicas are
    /// slashed.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt.
    /// @param winnersMask Bit i set when the referee found replica i right.
    /// @param evidence Content hash of the referee's published evidence.
    event SplitResolved(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 winnersMask,
        bytes32 evidence
    );
    /// @notice No majority (or nothing revealed): the shard runs again with `replication` replicas.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    /// @param replication Replicas of the new attempt.
    event ShardRequeued(
        uint256 indexed taskId, uint256 indexed round, uint256 indexed shard, uint256 attempt, uint256 replication
    );
    /// @notice The shard ran out of attempts in this round.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    event ShardFailed(uint256 indexed taskId, uint256 indexed round, uint256 indexed shard, uint256 attempt);
    /// @notice A referee slashed the provider of a result.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (re-queues count up).
    /// @param replica The replica slot.
    /// @param provider The provider.
    /// @param reason Why.
    /// @param evidence Content hash of the evidence.
    /// @param amount The amount.
    event ResultSlashed(
        uint256 indexed taskId,
        uint256 indexed round,
        uint256 indexed shard,
        uint256 attempt,
        uint256 replica,
        address provider,
        SlashReason reason,
        bytes32 evidence,
        uint256 amount
    );

    /// @notice Called by the TaskManager when round `config.round` of `taskId` starts.
    /// @param taskId The task.
    /// @param config The round's configuration.
    /// @param previousVersion The final version of the round that ended, 0 when it ended without
    /// one (or for round 0); kept in that round's `roundStarts`.
    function onRoundStarted(uint256 taskId, RoundConfig calldata config, uint256 previousVersion) external;

    /// @notice Progress of the current round of `taskId`.
    /// @param taskId The task.
    /// @return round The round.
    /// @return decidedShards Shards accepted or failed so far.
    /// @return decidedAt When the last shard was decided (0 while some are open).
    function roundProgress(uint256 taskId)
        external
        view
        returns (uint256 round, uint256 decidedShards, uint64 decidedAt);

    /// @notice Called by the TaskManager when `taskId` completes or is cancelled after its first
    /// round started.
    /// @param taskId The task.
    /// @param lastVersion The final version of the round that ended with the task, 0 when none;
    /// kept in that round's `roundStarts`.
    function onTaskClosed(uint256 taskId, uint256 lastVersion) external;

    /// @notice Commits results of the current round, one per entry: for each, the replica slot
    /// `replica` of `shard` in the shard's current attempt. Only the provider drawn for that slot
    /// may commit it, before its commit window ends. A provider drawn for several shards commits
    /// them in one transaction.
    /// @param taskId The task.
    /// @param round The current round.
    /// @param entries The shard, replica slot and commitment of each result.
    function commit(uint256 taskId, uint256 round, CommitEntry[] calldata entries) external;

    /// @notice Reveals committed results, then decides the shards in `decide`. A reveal opens when
    /// the commit window ends or every replica has committed, and in a block after
    /// `fingerprintSeed`'s (the attempt's last commit's); it closes `revealWindow` seconds after the commit window. The commitment is
    /// recomputed with `msg.sender` and the attempt, so a copied commitment cannot be revealed by
    /// the copier. The last replica to reveal a shard passes every replica's results in `decide`,
    /// which decides the shard as `finalize` would, in the same transaction.
    /// @param taskId The task.
    /// @param round The current round.
    /// @param entries The shard, replica slot and opening of each result.
    /// @param decide Shards to decide after the reveals, with every replica's revealed results.
    function reveal(uint256 taskId, uint256 round, RevealEntry[] calldata entries, ShardResults[] calldata decide)
        external;

    /// @notice Decides shards of the round, each as if alone and in array order; anyone may call
    /// it for a shard once its reveal window has ended, or earlier when every replica has revealed.
    /// Any entry that fails reverts the whole call. For each entry, `fingerprints[i]` and
    /// `deltaLeaves[i]` must be what replica `i` revealed (empty and zero for replicas that did
    /// not reveal). Accepted: the winning cluster is paid from escrow and gains reputation,
    /// outvoted providers lose reputation. A split (two or more revealed, no majority) goes to the
    /// referee (`Disputed`). Otherwise (fewer than two revealed) the shard is re-queued with one
    /// more replica and a fresh seed, or failed after MAX_ATTEMPTS. Assigned providers that did
    /// not reveal lose reputation. On a `Disputed` shard whose referee window ended, it re-queues
    /// (or fails) the shard and slashes nobody, whatever results its entry lists. Several shards in one call (the replicas of many
    /// shards revealing in the same block, so that no reveal decided them) share one
    /// transaction's base cost and warm storage.
    /// @param taskId The task.
    /// @param round The current round.
    /// @param shards Each shard with one packed fingerprint and one
    /// `keccak256(0x00 ‖ deltaCid)` per replica slot, in slot order.
    /// @return acceptedMask Bit i set when a result of `shards[i]` was accepted (a shard appears
    /// at most once, and a round has at most MAX_SHARDS = 256, so every entry has its bit).
    function finalize(uint256 taskId, uint256 round, ShardResults[] calldata shards)
        external
        returns (uint256 acceptedMask);

    /// @notice The referee's verdict on a split (a `Disputed` shard), before its deadline: the
    /// replicas in `winnersMask` (revealed ones only) are paid and become the round's winners for
    /// the shard; every other revealed replica is slashed (`RefereeDisagrees`). An empty mask
    /// slashes every revealed replica and re-queues the shard.
    /// @param taskId The task.
    /// @param round The current round.
    /// @param shard The shard.
    /// @param winnersMask Bit i set when the referee's re-execution agrees with replica i.
    /// @param evidence Content hash (or CID digest) of the published evidence.
    function resolveSplit(uint256 taskId, uint256 round, uint256 shard, uint256 winnersMask, bytes32 evidence) external;

    /// @notice Slashes the provider of a revealed result on a referee's verdict: the result's
    /// fingerprint does not match its delta, the delta is invalid, or a deterministic re-run
    /// disagrees. Slashes the task's minimum stake; most is burned, the reporter gets a share.
    /// @param ref The result: task, round, shard, attempt and replica slot.
    /// @param reason The proof's kind.
    /// @param evidence Content hash (or CID digest) of the published evidence.
    /// @param reporter Who found the fault (receives the reporter share; zero burns everything).
    /// @return amount The amount slashed.
    function slash(ResultRef calldata ref, SlashReason reason, bytes32 evidence, address reporter)
        external
        returns (uint256 amount);

    /// @notice The commitment a provider must submit, for this chain and this contract.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The shard's attempt.
    /// @param sender The provider that will reveal.
    /// @param deltaCid Binary CID of the plaintext delta.
    /// @param sealedCid Binary CID of the sealed delta.
    /// @param salt A fresh random salt (the sealing key is derived from it).
    /// @return The commitment.
    function computeCommitment(
        uint256 taskId,
        uint256 round,
        uint256 shard,
        uint256 attempt,
        address sender,
        bytes calldata deltaCid,
        bytes calldata sealedCid,
        bytes32 salt
    ) external view returns (bytes32);

    /// @notice `keccak256(abi.encode(chainId, verifier, taskId, round, shard, attempt, sender,
    /// deltaCid, sealedCid, salt))`; `src/core/commitment.ts` computes the same value.
    /// @param chainId The chain id.
    /// @param verifier This contract's address.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The shard's attempt.
    /// @param sender The provider.
    /// @param deltaCid Binary CID of the plaintext delta.
    /// @param sealedCid Binary CID of the sealed delta.
    /// @param salt The salt.
    /// @return The commitment.
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
    ) external pure returns (bytes32);

    /// @notice The fingerprint seed of a shard attempt: `keccak256(abi.encode(blockhash(seedBlock),
    /// taskId, round, shard, attempt))`, where `seedBlock` is the block of the attempt's latest
    /// commit. Zero before the first commit, within `seedBlock` itself, or once its hash left
    /// the EVM's 256-block window (then hash `seedBlock`'s header hash off chain).
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt (the current one or an earlier one).
    /// @return seedBlock The block whose hash seeds the fingerprints.
    /// @return seed The seed, or zero when it cannot be read on chain.
    function fingerprintSeed(uint256 taskId, uint256 round, uint256 shard, uint256 attempt)
        external
        view
        returns (uint64 seedBlock, bytes32 seed);

    /// @notice Whether two packed fingerprints agree: same length, a whole number of 4-byte entries,
    /// and L-infinity distance <= `tolerance`.
    /// @param a A packed fingerprint.
    /// @param b Another packed fingerprint.
    /// @param tolerance Largest allowed difference per entry.
    /// @return True when they agree.
    function fingerprintsAgree(bytes calldata a, bytes calldata b, uint32 tolerance) external pure returns (bool);

    /// @notice The current attempt of a shard and who is drawn for it, with its windows.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @return providers The provider of each replica slot.
    /// @return attempt The attempt number.
    /// @return status The shard status.
    /// @return commitDeadline End of the commit window.
    /// @return revealDeadline End of the reveal window.
    /// @return committedMask Bit i set when replica i committed.
    /// @return revealedMask Bit i set when replica i revealed.
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
        );

    /// @notice When the current attempt of a shard started: the round's start for the first attempt,
    /// the re-queue's block for later ones. Clients read the attempt's `Revealed` events from
    /// `startBlock` on.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @return attempt The current attempt number.
    /// @return start Timestamp at which the attempt started (0 if the round has not started).
    /// @return startBlock Block number at which the attempt started (0 if the round has not started).
    function attemptStart(uint256 taskId, uint256 round, uint256 shard)
        external
        view
        returns (uint256 attempt, uint64 start, uint64 startBlock);

    /// @notice The provider of a result that can still be slashed: revealed and not slashed yet.
    /// Reverts `ResultNotRevealed` or `AlreadySlashed` otherwise.
    /// @param ref The result.
    /// @return provider Who revealed it.
    function slashableResult(ResultRef calldata ref) external view returns (address provider);

    /// @notice The stored value of a result slot: the commitment, or after reveal the result digest
    /// `keccak256(abi.encode(keccak256(fingerprint), keccak256(0x00 ‖ deltaCid)))`, `fingerprint` packed.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The attempt.
    /// @param replica The replica slot.
    /// @return The stored hash.
    function resultOf(uint256 taskId, uint256 round, uint256 shard, uint256 attempt, uint256 replica)
        external
        view
        returns (bytes32);

    /// @notice The attempt of a shard and, once it is accepted, its winners (zero before).
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @return attempt The shard's current (or accepted) attempt.
    /// @return winnersMask Bit i set when replica i is in the accepted cluster.
    function shardWinners(uint256 taskId, uint256 round, uint256 shard)
        external
        view
        returns (uint256 attempt, uint256 winnersMask);

    /// @notice The delta root of the running round `round` of `taskId`, computed from its accepted
    /// results: `results` lists, for every accepted shard in ascending order and every winner of it
    /// in ascending replica order, what that winner revealed; each is checked against its stored
    /// result digest, and the root is the RFC 6962 Merkle Tree Hash of their delta leaves in that
    /// order (`DeltaRoot`). Reverts when the list is not exactly the round's winners' results.
    /// @param taskId The task.
    /// @param round The task's running round.
    /// @param results Every winner's fingerprint hash and delta leaf, in (shard, replica) order.
    /// @return The delta root (zero when no shard was accepted).
    function acceptedDeltaRoot(uint256 taskId, uint256 round, AcceptedResult[] calldata results)
        external
        view
        returns (bytes32);

    /// @notice Timestamp and block number at which round `round` of `taskId` started (zero until it
    /// did), and the version it ended with. Kept for every round, so the deadlines of a past round's
    /// first attempt stay known and clients know from which block to read its events.
    /// @param taskId The task.
    /// @param round The round.
    /// @return start Timestamp at which the round started.
    /// @return startBlock Block number at which the round started.
    /// @return version The round's final version: 0 while the round runs, or when it ended
    /// without one. A version that becomes final ends its round in the same transaction.
    function roundStarts(uint256 taskId, uint256 round)
        external
        view
        returns (uint64 start, uint64 startBlock, uint64 version);

    /// @notice The seed of round `round`: `keccak256(blockhash(b) ‖ abi.encode(taskId, round))`
    /// for the block `b` that started the round (see `roundStarts`), fixed into storage by the
    /// round's first commit or decision, and so kept for every round that ended (each of its shards
    /// was decided); zero within `b` itself (nobody is drawn yet).
    /// @param taskId The task.
    /// @param round The round.
    /// @return The seed (zero before it exists).
    function roundSeed(uint256 taskId, uint256 round) external view returns (bytes32);

    /// @notice The providers with an accepted result in round `round` of task `taskId`, as a
    /// bitmap over their indices in `TaskManager.providersOf(taskId)`: the round's winners, who
    /// alone may propose and confirm its version. Kept for the running round only (zero for any
    /// other; `ShardAccepted` events record every round's).
    /// @param taskId The task.
    /// @param round The round.
    /// @return mask Bit i set when provider i won.
    function roundWinners(uint256 taskId, uint256 round) external view returns (uint256 mask);
}
