// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IConsensusVerifier
/// @notice What the TaskManager pushes to the ConsensusVerifier: the configuration of each round as
/// it starts, and the end of a task. The verifier keeps this copy so that commit, reveal and
/// finalize read three local slots instead of calling the TaskManager.
interface IConsensusVerifier {
    /// @notice Everything the verifier needs about the running round of a task (three slots), and
    /// the round's progress (`decidedShards`, `decidedAt`), which the verifier keeps.
    struct RoundConfig {
        uint16 round;
        uint16 shards;
        uint8 replication;
        uint8 maxReplication;
        uint8 fingerprintLength;
        uint16 providerCount;
        uint32 tolerance;
        uint32 commitWindow;
        uint32 revealWindow;
        uint64 roundStart;
        bool active;
        uint16 decidedShards;
        bytes32 seed;
        uint96 rewardPerResult;
        uint96 minStake;
        uint64 decidedAt;
    }

    /// @notice Called by the TaskManager when round `config.round` of `taskId` starts.
    /// @param taskId The task.
    /// @param config The round's configuration.
    function onRoundStarted(uint256 taskId, RoundConfig calldata config) external;

    /// @notice Progress of the current round of `taskId`.
    /// @param taskId The task.
    /// @return round The round.
    /// @return decidedShards Shards accepted or failed so far.
    /// @return decidedAt When the last shard was decided (0 while some are open).
    function roundProgress(uint256 taskId)
        external
        view
        returns (uint256 round, uint256 decidedShards, uint64 decidedAt);

    /// @notice Called by the TaskManager when `taskId` completes or is cancelled.
    /// @param taskId The task.
    function onTaskClosed(uint256 taskId) external;
}
