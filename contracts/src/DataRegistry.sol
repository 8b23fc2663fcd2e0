// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IDataRegistry} from "./interfaces/IDataRegistry.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {ITaskManager} from "./interfaces/ITaskManager.sol";

/// @title DataRegistry
/// @notice Data sets by manifest CID and content hash, with owner, name, license and description;
/// tasks cite the data set they train on, and their versions with them (`versionDataSet`).
/// @dev A content hash is registered once, and `AlreadyRegistered` names the first registration:
/// provenance has one answer per content, and a later copy cannot shadow the original record or
/// swap its license. The registry attests who registered a content hash first and when, not
/// authorship: anyone who has the bytes can register them, front-running included. CID and hash
/// never change; only the owner's terms (license, description) and the owner do, each with an
/// event, so the terms in force at any block can be read back.
/// The citation lives here rather than in TaskManager.createTask: TaskParams, its callers and the
/// Task layout stay as they are, and the check is the same. The creator cites while the task is
/// joining, before any provider has to decide, and the data set's content hash must equal the
/// task's data hash, read from its model's head (the genesis version until the first round, since
/// no version is added while a task joins). The contract holds no roles and no funds.
contract DataRegistry is IDataRegistry {
    /// @notice Most bytes in a manifest CID (a CIDv1 with a 512-bit multihash takes 68).
    uint256 public constant MAX_CID_LENGTH = 128;
    /// @notice Most bytes in a name.
    uint256 public constant MAX_NAME_LENGTH = 128;
    /// @notice Most bytes in a license (an SPDX expression or a URL).
    uint256 public constant MAX_LICENSE_LENGTH = 256;
    /// @notice Most bytes in a description.
    uint256 public constant MAX_DESCRIPTION_LENGTH = 2048;

    /// @inheritdoc IDataRegistry
    ITaskManager public immutable taskManager;
    /// @inheritdoc IDataRegistry
    IModelRegistry public immutable modelRegistry;
    /// @inheritdoc IDataRegistry
    uint256 public dataSetCount;

    mapping(uint256 dataSetId => DataSet) internal _dataSets;
    /// @inheritdoc IDataRegistry
    mapping(bytes32 contentHash => uint256 dataSetId) public dataSetOf;
    /// @inheritdoc IDataRegistry
    mapping(uint256 taskId => uint256 dataSetId) public taskDataSet;

    /// @notice Deploys the registry.
    /// @param taskManager_ The task manager whose tasks cite data sets.
    /// @param modelRegistry_ The model registry holding each task's genesis version.
    constructor(ITaskManager taskManager_, IModelRegistry modelRegistry_) {
        if (address(taskManager_) == address(0) || address(modelRegistry_) == address(0)) revert ZeroAddress();
        taskManager = taskManager_;
        modelRegistry = modelRegistry_;
    }

    /// @inheritdoc IDataRegistry
    function register(
        bytes calldata manifestCid,
        bytes32 contentHash,
        string calldata name,
        string calldata license,
        string calldata description
    ) external returns (uint256 dataSetId) {
        if (manifestCid.length == 0) revert EmptyField("manifestCid");
        _checkLength("manifestCid", manifestCid.length, MAX_CID_LENGTH);
        if (contentHash == bytes32(0)) revert ZeroContentHash();
        if (bytes(name).length == 0) revert EmptyField("name");
        _checkLength("name", bytes(name).length, MAX_NAME_LENGTH);
        _checkTerms(license, description);
        uint256 existing = dataSetOf[contentHash];
        if (existing != 0) revert AlreadyRegistered(existing);
        dataSetId = ++dataSetCount;
        dataSetOf[contentHash] = dataSetId;
        _dataSets[dataSetId] = DataSet({
            owner: msg.sender,
            registeredAt: uint64(block.timestamp),
            contentHash: contentHash,
            manifestCid: manifestCid,
            name: name,
            license: license,
            description: description
        });
        emit DataSetRegistered(dataSetId, msg.sender, contentHash, manifestCid, name, license, description);
    }

    /// @inheritdoc IDataRegistry
    function update(uint256 dataSetId, string calldata license, string calldata description) external {
        DataSet storage d = _owned(dataSetId);
        _checkTerms(license, description);
        d.license = license;
        d.description = description;
        emit DataSetUpdated(dataSetId, license, description);
    }

    /// @inheritdoc IDataRegistry
    function transferOwnership(uint256 dataSetId, address newOwner) external {
        DataSet storage d = _owned(dataSetId);
        if (newOwner == address(0)) revert ZeroAddress();
        d.owner = newOwner;
        emit DataSetOwnershipTransferred(dataSetId, msg.sender, newOwner);
    }

    /// @inheritdoc IDataRegistry
    function cite(uint256 taskId, uint256 dataSetId, IModelRegistry.VersionData calldata genesis) external {
        bytes32 contentHash = _existing(dataSetId).contentHash;
        ITaskManager.Task memory t = taskManager.getTask(taskId);
        if (t.status == ITaskManager.TaskStatus.None) revert UnknownTask(taskId);
        if (msg.sender != t.creator) revert NotTaskCreator(taskId, msg.sender);
        if (t.status != ITaskManager.TaskStatus.Joining || block.timestamp >= t.joinDeadline) {
            revert TaskNotJoining(taskId);
        }
        uint256 cited = taskDataSet[taskId];
        if (cited != 0) revert AlreadyCited(taskId, cited);
        // While a task joins its model's head is its genesis version, whose data hash is the
        // task's `initialDataHash`; the registry holds its content as a hash, checked here.
        modelRegistry.requireVersionData(modelRegistry.getModel(t.modelId).head, genesis);
        bytes32 taskDataHash = genesis.dataHash;
        if (taskDataHash != bytes32(0) && taskDataHash != contentHash) {
            revert DataHashMismatch(taskId, taskDataHash, contentHash);
        }
        taskDataSet[taskId] = dataSetId;
        emit DataSetCited(taskId, dataSetId, contentHash, taskDataHash != bytes32(0));
    }

    /// @inheritdoc IDataRegistry
    function dataSet(uint256 dataSetId) external view returns (DataSet memory) {
        return _dataSets[dataSetId];
    }

    /// @inheritdoc IDataRegistry
    function versionDataSet(uint256 versionId) external view returns (uint256 dataSetId) {
        IModelRegistry.Version memory v = modelRegistry.getVersion(versionId);
        uint256 taskId = v.taskId;
        // A round's version names its task; a task's genesis version (no parent) is named by its
        // model. A merge or a model no task trains cites nothing.
        if (taskId == 0 && v.parent == 0 && v.modelId != 0) taskId = modelRegistry.getModel(v.modelId).taskId;
        return taskId == 0 ? 0 : taskDataSet[taskId];
    }

    function _checkTerms(string calldata license, string calldata description) private pure {
        _checkLength("license", bytes(license).length, MAX_LICENSE_LENGTH);
        _checkLength("description", bytes(description).length, MAX_DESCRIPTION_LENGTH);
    }

    function _checkLength(string memory field, uint256 length, uint256 max) private pure {
        if (length > max) revert FieldTooLong(field, length, max);
    }

    function _existing(uint256 dataSetId) private view returns (DataSet storage d) {
        d = _dataSets[dataSetId];
        if (d.owner == address(0)) revert UnknownDataSet(dataSetId);
    }

    function _owned(uint256 dataSetId) private view returns (DataSet storage d) {
        d = _existing(dataSetId);
        if (msg.sender != d.owner) revert NotDataSetOwner(dataSetId, msg.sender);
    }
}
