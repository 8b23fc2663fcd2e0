// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IModelRegistry
/// @notice What the TaskManager needs from the ModelRegistry.
interface IModelRegistry {
    /// @notice Registers a new model owned by `owner` for task `taskId`, with a final genesis version.
    /// @param owner The task creator, owner of the model.
    /// @param taskId The task that trains the model.
    /// @param modelCid Binary CID of the initial model.
    /// @param commitHash Content hash of the initial weights.
    /// @param dataHash Hash of the training data manifest.
    /// @return modelId The new model.
    /// @return versionId Its genesis version.
    function registerTaskModel(
        address owner,
        uint256 taskId,
        bytes calldata modelCid,
        bytes32 commitHash,
        bytes32 dataHash
    ) external returns (uint256 modelId, uint256 versionId);

    /// @notice The final version recorded for round `round` of task `taskId`, or zero.
    /// @param taskId The task.
    /// @param round The round.
    /// @return The version id.
    function roundVersion(uint256 taskId, uint256 round) external view returns (uint256);
}
