// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "./IModelRegistry.sol";
import {ITaskManager} from "./ITaskManager.sol";

/// @title IDataRegistry
/// @notice Provenance of training data. An account registers a data set by its manifest CID and
/// its content hash (keccak256 of the data set's bytes, the hash a task records as its
/// `initialDataHash`), with a name, a license and a description, and becomes its owner. A content
/// hash is registered once: the first registrant's record is the one every task and version
/// points to. The owner may change the license and the description and hand the data set over,
/// never its CID or hash. The creator of a task still joining may cite one registered data set for
/// it; the citation is refused unless the data set's content hash equals the task's data hash, so
/// a cited data set is the data the task trains on, not a claim.
interface IDataRegistry {
    /// @notice A registered data set. `manifestCid` and `contentHash` never change.
    /// @param owner Who may change its license and description, and hand it over.
    /// @param registeredAt When it was registered.
    /// @param contentHash keccak256 of the data set's bytes.
    /// @param manifestCid Binary CID of the data set's manifest (as TaskManager's `datasetCid`).
    /// @param name A short name.
    /// @param license The license, e.g. an SPDX identifier or a URL (may be empty: not stated).
    /// @param description What the data is (may be empty).
    struct DataSet {
        address owner;
        uint64 registeredAt;
        bytes32 contentHash;
        bytes manifestCid;
        string name;
        string license;
        string description;
    }

    /// @notice A field is longer than its bound.
    /// @param field The field's name.
    /// @param length Its length in bytes.
    /// @param max The most bytes it may have.
    error FieldTooLong(string field, uint256 length, uint256 max);
    /// @notice A field that must be set is empty.
    /// @param field The field's name.
    error EmptyField(string field);
    /// @notice The content hash is zero.
    error ZeroContentHash();
    /// @notice A data set with this content hash is registered already.
    /// @param existingId The data set registered first.
    error AlreadyRegistered(uint256 existingId);
    /// @notice The data set does not exist.
    /// @param dataSetId The data set.
    error UnknownDataSet(uint256 dataSetId);
    /// @notice Only the data set's owner may do this.
    /// @param dataSetId The data set.
    /// @param caller The caller.
    error NotDataSetOwner(uint256 dataSetId, address caller);
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice The task does not exist.
    /// @param taskId The task.
    error UnknownTask(uint256 taskId);
    /// @notice Only the task's creator may cite a data set for it.
    /// @param taskId The task.
    /// @param caller The caller.
    error NotTaskCreator(uint256 taskId, address caller);
    /// @notice A data set can be cited only while the task's joining window is open.
    /// @param taskId The task.
    error TaskNotJoining(uint256 taskId);
    /// @notice The task cites a data set already.
    /// @param taskId The task.
    /// @param dataSetId The data set it cites.
    error AlreadyCited(uint256 taskId, uint256 dataSetId);
    /// @notice The data set is not the data the task trains on.
    /// @param taskId The task.
    /// @param taskDataHash The task's data hash (its genesis version's `dataHash`).
    /// @param contentHash The data set's content hash.
    error DataHashMismatch(uint256 taskId, bytes32 taskDataHash, bytes32 contentHash);

    /// @notice A data set was registered.
    /// @param dataSetId The new data set.
    /// @param owner Its owner, the registrant.
    /// @param contentHash keccak256 of its bytes.
    /// @param manifestCid Binary CID of its manifest.
    /// @param name Its name.
    /// @param license Its license.
    /// @param description Its description.
    event DataSetRegistered(
        uint256 indexed dataSetId,
        address indexed owner,
        bytes32 indexed contentHash,
        bytes manifestCid,
        string name,
        string license,
        string description
    );
    /// @notice The owner changed the license and the description (both given, changed or not).
    /// @param dataSetId The data set.
    /// @param license The license now.
    /// @param description The description now.
    event DataSetUpdated(uint256 indexed dataSetId, string license, string description);
    /// @notice The data set has a new owner.
    /// @param dataSetId The data set.
    /// @param previousOwner The owner before.
    /// @param newOwner The owner now.
    event DataSetOwnershipTransferred(
        uint256 indexed dataSetId, address indexed previousOwner, address indexed newOwner
    );
    /// @notice A task's creator cited the data set the task trains on.
    /// @param taskId The task.
    /// @param dataSetId The data set.
    /// @param contentHash Its content hash.
    /// @param dataHashChecked True when the task records a data hash and it matched; false when
    /// the task records none (zero), so the citation is the creator's word alone.
    event DataSetCited(
        uint256 indexed taskId, uint256 indexed dataSetId, bytes32 indexed contentHash, bool dataHashChecked
    );

    /// @notice The task manager whose tasks cite data sets.
    /// @return The task manager.
    function taskManager() external view returns (ITaskManager);

    /// @notice The model registry holding each task's genesis version (and its data hash).
    /// @return The registry.
    function modelRegistry() external view returns (IModelRegistry);

    /// @notice Registers a data set owned by the caller. Refused when a field is empty that must
    /// not be (`manifestCid`, `name`) or too long (MAX_CID_LENGTH, MAX_NAME_LENGTH,
    /// MAX_LICENSE_LENGTH, MAX_DESCRIPTION_LENGTH bytes), when `contentHash` is zero, or when
    /// `contentHash` is registered already (`AlreadyRegistered` names the first registration).
    /// @param manifestCid Binary CID of the data set's manifest.
    /// @param contentHash keccak256 of the data set's bytes.
    /// @param name A short name.
    /// @param license The license (empty: not stated).
    /// @param description What the data is (may be empty).
    /// @return dataSetId The new data set; ids run from 1.
    function register(
        bytes calldata manifestCid,
        bytes32 contentHash,
        string calldata name,
        string calldata license,
        string calldata description
    ) external returns (uint256 dataSetId);

    /// @notice Sets the license and the description of a data set (its owner only). Earlier terms
    /// stay readable in the `DataSetRegistered` and `DataSetUpdated` events.
    /// @param dataSetId The data set.
    /// @param license The license now.
    /// @param description The description now.
    function update(uint256 dataSetId, string calldata license, string calldata description) external;

    /// @notice Hands a data set over to `newOwner` (its owner only).
    /// @param dataSetId The data set.
    /// @param newOwner The new owner (not zero).
    function transferOwnership(uint256 dataSetId, address newOwner) external;

    /// @notice Cites data set `dataSetId` as the data of task `taskId`: only its creator, only while
    /// it is joining (before its join deadline, so every provider that joins can read it), once.
    /// Refused when the task's data hash (its genesis version's `dataHash`) is not zero and differs
    /// from the data set's content hash. The model registry stores a version's content as a hash,
    /// so the caller gives the genesis version's content (its `VersionRegistered` event), checked
    /// against it (`IModelRegistry.VersionDataMismatch`).
    /// @param taskId The task.
    /// @param dataSetId The data set.
    /// @param genesis The content of the task model's genesis version.
    function cite(uint256 taskId, uint256 dataSetId, IModelRegistry.VersionData calldata genesis) external;

    /// @notice The data set `dataSetId` (all zero when it does not exist).
    /// @param dataSetId The data set.
    /// @return The data set.
    function dataSet(uint256 dataSetId) external view returns (DataSet memory);

    /// @notice The data set registered with `contentHash` (0: none).
    /// @param contentHash keccak256 of a data set's bytes.
    /// @return dataSetId The data set.
    function dataSetOf(bytes32 contentHash) external view returns (uint256 dataSetId);

    /// @notice The data set task `taskId` cites (0: none).
    /// @param taskId The task.
    /// @return dataSetId The data set.
    function taskDataSet(uint256 taskId) external view returns (uint256 dataSetId);

    /// @notice The data set cited by the task a version belongs to: a round's version, or a task's
    /// genesis version (0: none cited, or a version of no task, such as a merge).
    /// @param versionId The version.
    /// @return dataSetId The data set.
    function versionDataSet(uint256 versionId) external view returns (uint256 dataSetId);

    /// @notice Number of data sets registered; ids run from 1 to this number.
    /// @return The number of data sets.
    function dataSetCount() external view returns (uint256);
}
