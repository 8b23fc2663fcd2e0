// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title ITaskManager
/// @notice What the ConsensusVerifier and the ModelRegistry read from the TaskManager.
interface ITaskManager {
    /// @notice Lifecycle of a task.
    enum TaskStatus {
        None,
        Joining,
        Running,
        Completed,
        Cancelled
    }

    /// @notice A task as stored, packed into six slots. Round progress lives in the verifier
    /// (`roundProgress`), which counts decided shards as it decides them.
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
        uint32 tolerance;
        uint32 commitWindow;
        uint32 revealWindow;
        uint32 aggregateWindow;
        uint32 challengeWindow;
        uint64 joinDeadline;
        uint16 providerCount;
        uint64 roundStart;
        uint64 modelId;
        uint96 rewardPerResult;
        uint96 minStake;
        bytes32 roundSeed;
        uint256 totalWeight;
    }

    /// @notice The stored task `taskId` (all zero when it does not exist).
    /// @param taskId The task.
    /// @return The task.
    function getTask(uint256 taskId) external view returns (Task memory);

    /// @notice The seed fixed when round `round` of task `taskId` started (zero before).
    /// @param taskId The task.
    /// @param round The round.
    /// @return The seed.
    function roundSeed(uint256 taskId, uint256 round) external view returns (bytes32);

    /// @notice The first `count` distinct providers drawn for `seed`, weighted by stake and reputation.
    /// @param taskId The task.
    /// @param seed The shard's seed.
    /// @param count How many to draw (at most the number of providers).
    /// @return drawn The providers, in replica order.
    function drawProviders(uint256 taskId, bytes32 seed, uint256 count) external view returns (address[] memory drawn);

    /// @notice Whether `account` joined task `taskId`.
    /// @param taskId The task.
    /// @param account The account.
    /// @return True when it joined.
    function isProvider(uint256 taskId, address account) external view returns (bool);

    /// @notice Whether every shard of the current round of running task `taskId` is decided.
    /// @param taskId The task.
    /// @return True when the round is decided.
    function isRoundDecided(uint256 taskId) external view returns (bool);
}
