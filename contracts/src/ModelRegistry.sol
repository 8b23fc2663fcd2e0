// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {ITaskManager} from "./interfaces/ITaskManager.sol";

/// @title ModelRegistry
/// @notice Models, their versions and lineage. A version records its commit hash (content hash of
/// the weights), parent(s), model CID, the Merkle root of the accepted delta CIDs, the training
/// data hash and validation metrics; registered facts never change. For a task round, a provider
/// (the aggregator) signs an EIP-712 `Propose`; other providers of the task recompute and sign
/// `Confirm`. The version becomes final after `confirmations` confirmations or, with no challenge,
/// after `challengeWindow` seconds; a challenged version waits for the GOVERNANCE_ROLE. Lineage:
/// `fork` starts a new model at any final version, `merge` adds a version with two parents,
/// `rollback` moves a head back to an ancestor (proved by a parent path).
/// @dev Version ids grow and every parent has a smaller id than its child, so the lineage graph is
/// acyclic by construction. Signatures are emitted in events rather than stored; nonces (OZ
/// `Nonces`) and deadlines stop replays, and the domain binds chain id and this contract.
contract ModelRegistry is IModelRegistry, AccessControl, EIP712, Nonces {
    /// @notice May register a task's model (the TaskManager).
    bytes32 public constant TASK_MANAGER_ROLE = keccak256("TASK_MANAGER_ROLE");
    /// @notice May resolve challenges and roll back any model.
    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");

    // solhint-disable gas-small-strings
    /// @notice EIP-712 type of an aggregator's proposal.
    bytes32 public constant PROPOSE_TYPEHASH = keccak256(
        "Propose(uint256 taskId,uint256 round,uint256 parent,bytes modelCid,bytes32 commitHash,bytes32 deltaRoot,bytes32 dataHash,uint32 accuracyBps,uint64 loss,address aggregator,uint256 nonce,uint256 deadline)"
    );
    /// @notice EIP-712 type of a confirmer's confirmation.
    bytes32 public constant CONFIRM_TYPEHASH =
        keccak256("Confirm(uint256 versionId,bytes32 commitHash,address confirmer,uint256 nonce,uint256 deadline)");
    // solhint-enable gas-small-strings

    /// @notice Lifecycle of a version.
    enum VersionStatus {
        None,
        Proposed,
        Final,
        Challenged,
        Rejected
    }

    /// @notice A version's content, as proposed or registered.
    struct VersionData {
        bytes modelCid;
        bytes32 commitHash;
        bytes32 deltaRoot;
        bytes32 dataHash;
        uint32 accuracyBps;
        uint64 loss;
    }

    /// @notice An aggregator's proposal for a task round.
    struct Proposal {
        uint256 taskId;
        uint256 round;
        uint256 parent;
        VersionData data;
    }

    /// @notice A stored version.
    struct Version {
        uint64 modelId;
        uint64 parent;
        uint64 mergeParent;
        uint64 proposedAt;
        address aggregator;
        uint32 accuracyBps;
        uint16 confirmations;
        uint16 requiredConfirmations;
        VersionStatus status;
        uint64 taskId;
        uint64 round;
        uint64 challengeDeadline;
        uint64 loss;
        bytes32 commitHash;
        bytes32 deltaRoot;
        bytes32 dataHash;
        bytes modelCid;
    }

    /// @notice A model: its owner, head version and task (0: none).
    struct Model {
        address owner;
        uint64 head;
        uint64 taskId;
    }

    /// @notice The task manager, set once after deployment.
    ITaskManager public taskManager;
    /// @notice Models created; ids start at 1.
    uint256 public modelCount;
    /// @notice Versions registered; ids start at 1.
    uint256 public versionCount;

    mapping(uint256 modelId => Model) internal _models;
    mapping(uint256 versionId => Version) internal _versions;
    /// @inheritdoc IModelRegistry
    mapping(uint256 taskId => mapping(uint256 round => uint256 versionId)) public roundVersion;
    /// @notice Whether `confirmer` confirmed `versionId`.
    mapping(uint256 versionId => mapping(address confirmer => bool)) public confirmedBy;

    /// @notice The task manager was set.
    /// @param taskManager The task manager.
    event TaskManagerSet(address taskManager);
    /// @notice A model was created with `head`.
    /// @param modelId The model.
    /// @param owner The owner.
    /// @param taskId The task.
    /// @param head The head version.
    event ModelCreated(uint256 indexed modelId, address indexed owner, uint256 indexed taskId, uint256 head);
    /// @notice A version was registered (final when `status` is Final).
    /// @param versionId The version.
    /// @param modelId The model.
    /// @param parent The first parent (0: none).
    /// @param mergeParent The second parent (0: none).
    /// @param status The status.
    /// @param modelCid Binary CID of the model.
    /// @param commitHash Content hash of the weights.
    /// @param deltaRoot Merkle root of the accepted delta CIDs.
    /// @param dataHash Hash of the training data.
    /// @param accuracyBps Validation accuracy in basis points.
    /// @param loss Validation loss, scaled by 1e6.
    event VersionRegistered(
        uint256 indexed versionId,
        uint256 indexed modelId,
        uint256 parent,
        uint256 mergeParent,
        VersionStatus status,
        bytes modelCid,
        bytes32 commitHash,
        bytes32 deltaRoot,
        bytes32 dataHash,
        uint32 accuracyBps,
        uint64 loss
    );
    /// @notice An aggregator's signed proposal, for task round `round`.
    /// @param versionId The version.
    /// @param taskId The task.
    /// @param round The round.
    /// @param aggregator The aggregator (signer).
    /// @param signature The EIP-712 signature.
    event VersionProposed(
        uint256 indexed versionId, uint256 indexed taskId, uint256 indexed round, address aggregator, bytes signature
    );
    /// @notice A confirmer's signed confirmation.
    /// @param versionId The version.
    /// @param confirmer The confirmer.
    /// @param confirmations Confirmations so far.
    /// @param signature The EIP-712 signature.
    event VersionConfirmed(
        uint256 indexed versionId, address indexed confirmer, uint256 confirmations, bytes signature
    );
    /// @notice A version was challenged.
    /// @param versionId The version.
    /// @param challenger The challenger.
    /// @param reason Why.
    event VersionChallenged(uint256 indexed versionId, address indexed challenger, bytes32 reason);
    /// @notice A version became final.
    /// @param versionId The version.
    /// @param modelId The model.
    event VersionFinalized(uint256 indexed versionId, uint256 indexed modelId);
    /// @notice A challenged version was rejected.
    /// @param versionId The version.
    event VersionRejected(uint256 indexed versionId);
    /// @notice The head of a model moved.
    /// @param modelId The model.
    /// @param from The previous head.
    /// @param to The recipient.
    /// @param rollback Whether this is a rollback.
    event HeadMoved(uint256 indexed modelId, uint256 from, uint256 to, bool rollback);

    /// @notice The task manager is already set.
    error TaskManagerAlreadySet();
    /// @notice A zero address was given.
    error ZeroAddress();
    /// @notice The model does not exist.
    error UnknownModel(uint256 modelId);
    /// @notice The version does not exist.
    error UnknownVersion(uint256 versionId);
    /// @notice The version is not final.
    error VersionNotFinal(uint256 versionId);
    /// @notice The version is not in the state this needs.
    error InvalidVersionStatus(uint256 versionId, VersionStatus status);
    /// @notice Only the model owner (or governance, for rollback) may do this.
    error NotModelOwner(uint256 modelId, address caller);
    /// @notice The model CID is empty.
    error EmptyModelCid();
    /// @notice The proposal is not for the task's current, fully decided round.
    error RoundNotReady(uint256 taskId, uint256 round);
    /// @notice The round already has a final version.
    error RoundAlreadyFinal(uint256 taskId, uint256 round);
    /// @notice The proposal's parent is not the model head.
    error StaleParent(uint256 parent, uint256 head);
    /// @notice The signer is not a provider of the task.
    error NotTaskProvider(uint256 taskId, address account);
    /// @notice The signature's deadline passed.
    error SignatureExpired(uint256 deadline);
    /// @notice The signature is not the signer's.
    error InvalidSignature(address signer);
    /// @notice The aggregator cannot confirm its own version.
    error SelfConfirmation(address aggregator);
    /// @notice The confirmer already confirmed.
    error AlreadyConfirmed(address confirmer);
    /// @notice The challenge window is over.
    error ChallengeWindowClosed(uint64 deadline);
    /// @notice The challenge window is still open.
    error ChallengeWindowOpen(uint64 deadline);
    /// @notice Only a provider or the creator of the task may challenge.
    error NotAllowedToChallenge(address caller);
    /// @notice The rollback path is empty or not a chain of parents from the head.
    error NotAnAncestor(uint256 versionId);

    /// @notice Deploys the registry.
    /// @param admin Receives DEFAULT_ADMIN_ROLE and GOVERNANCE_ROLE.
    constructor(address admin) EIP712("MLBridge ModelRegistry", "1") {
        if (admin == address(0)) revert ZeroAddress();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(GOVERNANCE_ROLE, admin);
    }

    /// @notice Sets the task manager once (it and the registry refer to each other).
    /// @param taskManager_ The task manager.
    function setTaskManager(ITaskManager taskManager_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (address(taskManager) != address(0)) revert TaskManagerAlreadySet();
        if (address(taskManager_) == address(0)) revert ZeroAddress();
        taskManager = taskManager_;
        emit TaskManagerSet(address(taskManager_));
    }

    // ------------------------------------------------------------------ models

    /// @notice Creates a model owned by the caller with a final genesis version.
    /// @param data The genesis version.
    /// @return modelId The model.
    /// @return versionId The genesis version.
    function createModel(VersionData calldata data) external returns (uint256 modelId, uint256 versionId) {
        return _createModel(msg.sender, 0, data);
    }

    /// @inheritdoc IModelRegistry
    function registerTaskModel(
        address owner,
        uint256 taskId,
        bytes calldata modelCid,
        bytes32 commitHash,
        bytes32 dataHash
    ) external onlyRole(TASK_MANAGER_ROLE) returns (uint256 modelId, uint256 versionId) {
        VersionData memory data = VersionData(modelCid, commitHash, bytes32(0), dataHash, 0, 0);
        return _createModel(owner, taskId, data);
    }

    /// @notice Starts a new model, owned by the caller, whose head is the final version `versionId`.
    /// @param versionId Any final version.
    /// @return modelId The new model.
    function fork(uint256 versionId) external returns (uint256 modelId) {
        _requireFinal(versionId);
        modelId = ++modelCount;
        _models[modelId] = Model({owner: msg.sender, head: uint64(versionId), taskId: 0});
        emit ModelCreated(modelId, msg.sender, 0, versionId);
    }

    /// @notice Adds a final version with two parents, the head and `otherVersionId`, and moves the
    /// head to it. Only the model owner.
    /// @param modelId The model.
    /// @param otherVersionId The other final version merged in.
    /// @param data The merged version's content.
    /// @return versionId The new version.
    function merge(uint256 modelId, uint256 otherVersionId, VersionData calldata data)
        external
        returns (uint256 versionId)
    {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner) revert NotModelOwner(modelId, msg.sender);
        _requireFinal(otherVersionId);
        uint64 head = m.head;
        versionId = _store(modelId, head, otherVersionId, VersionStatus.Final, data);
        m.head = uint64(versionId);
        emit HeadMoved(modelId, head, versionId, false);
    }

    /// @notice Moves the head of `modelId` back to an ancestor. `path` lists versions from a parent
    /// of the head down to the target, each a parent of the one before. Model owner or governance.
    /// @param modelId The model.
    /// @param path The parent path; its last entry is the new head.
    function rollback(uint256 modelId, uint256[] calldata path) external {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner && !hasRole(GOVERNANCE_ROLE, msg.sender)) revert NotModelOwner(modelId, msg.sender);
        uint256 from = m.head;
        if (path.length == 0) revert NotAnAncestor(from);
        uint256 current = from;
        for (uint256 i = 0; i < path.length; ++i) {
            Version storage v = _versions[current];
            if (path[i] == 0 || (path[i] != v.parent && path[i] != v.mergeParent)) revert NotAnAncestor(path[i]);
            current = path[i];
        }
        m.head = uint64(current);
        emit HeadMoved(modelId, from, current, true);
    }

    // ------------------------------------------------------------------ task versions

    /// @notice Records an aggregator's signed proposal for the current, fully decided round of a
    /// task. Anyone may submit it; the signer must be a provider of the task.
    /// @param p The proposal (parent must be the model's head).
    /// @param aggregator The signer.
    /// @param deadline Last timestamp the signature is valid.
    /// @param signature EIP-712 signature of `Propose` (ECDSA or ERC-1271).
    /// @return versionId The proposed version.
    function propose(Proposal calldata p, address aggregator, uint256 deadline, bytes calldata signature)
        external
        returns (uint256 versionId)
    {
        ITaskManager.Task memory t = taskManager.getTask(p.taskId);
        if (p.round != t.currentRound || !taskManager.isRoundDecided(p.taskId)) {
            revert RoundNotReady(p.taskId, p.round);
        }
        if (roundVersion[p.taskId][p.round] != 0) revert RoundAlreadyFinal(p.taskId, p.round);
        uint256 head = _models[t.modelId].head;
        if (p.parent != head) revert StaleParent(p.parent, head);
        if (!taskManager.isProvider(p.taskId, aggregator)) revert NotTaskProvider(p.taskId, aggregator);
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        bytes32 digest = _hashTypedDataV4(_proposeStructHash(p, aggregator, _useNonce(aggregator), deadline));
        if (!SignatureChecker.isValidSignatureNow(aggregator, digest, signature)) revert InvalidSignature(aggregator);

        versionId = _store(t.modelId, head, 0, VersionStatus.Proposed, p.data);
        Version storage v = _versions[versionId];
        v.aggregator = aggregator;
        v.taskId = uint64(p.taskId);
        v.round = uint64(p.round);
        v.requiredConfirmations = t.confirmations;
        v.challengeDeadline = uint64(block.timestamp) + t.challengeWindow;
        emit VersionProposed(versionId, p.taskId, p.round, aggregator, signature);
    }

    /// @notice Records a provider's signed confirmation that it recomputed `versionId`; the version
    /// becomes final at the task's required number of confirmations.
    /// @param versionId The proposed version.
    /// @param confirmer The signer, a provider of the task other than the aggregator.
    /// @param deadline Last timestamp the signature is valid.
    /// @param signature EIP-712 signature of `Confirm`.
    function confirm(uint256 versionId, address confirmer, uint256 deadline, bytes calldata signature) external {
        Version storage v = _version(versionId);
        if (v.status != VersionStatus.Proposed) revert InvalidVersionStatus(versionId, v.status);
        if (confirmer == v.aggregator) revert SelfConfirmation(confirmer);
        if (!taskManager.isProvider(v.taskId, confirmer)) revert NotTaskProvider(v.taskId, confirmer);
        if (confirmedBy[versionId][confirmer]) revert AlreadyConfirmed(confirmer);
        if (block.timestamp > deadline) revert SignatureExpired(deadline);
        bytes32 structHash =
            keccak256(abi.encode(CONFIRM_TYPEHASH, versionId, v.commitHash, confirmer, _useNonce(confirmer), deadline));
        if (!SignatureChecker.isValidSignatureNow(confirmer, _hashTypedDataV4(structHash), signature)) {
            revert InvalidSignature(confirmer);
        }
        confirmedBy[versionId][confirmer] = true;
        uint16 count = v.confirmations + 1;
        v.confirmations = count;
        emit VersionConfirmed(versionId, confirmer, count, signature);
        if (count >= v.requiredConfirmations) _finalize(versionId, v);
    }

    /// @notice Challenges a proposed version within its challenge window. Providers and the task
    /// creator only. A challenged version waits for `resolveChallenge`.
    /// @param versionId The version.
    /// @param reason Content hash of the published reason (e.g. a recomputed version's CID digest).
    function challenge(uint256 versionId, bytes32 reason) external {
        Version storage v = _version(versionId);
        if (v.status != VersionStatus.Proposed) revert InvalidVersionStatus(versionId, v.status);
        if (block.timestamp >= v.challengeDeadline) revert ChallengeWindowClosed(v.challengeDeadline);
        if (!taskManager.isProvider(v.taskId, msg.sender) && taskManager.getTask(v.taskId).creator != msg.sender) {
            revert NotAllowedToChallenge(msg.sender);
        }
        v.status = VersionStatus.Challenged;
        emit VersionChallenged(versionId, msg.sender, reason);
    }

    /// @notice Resolves a challenge: `uphold` rejects the version, otherwise it becomes final.
    /// @param versionId The challenged version.
    /// @param uphold Whether the challenge is right.
    function resolveChallenge(uint256 versionId, bool uphold) external onlyRole(GOVERNANCE_ROLE) {
        Version storage v = _version(versionId);
        if (v.status != VersionStatus.Challenged) revert InvalidVersionStatus(versionId, v.status);
        if (uphold) {
            v.status = VersionStatus.Rejected;
            emit VersionRejected(versionId);
        } else {
            _finalize(versionId, v);
        }
    }

    /// @notice Finalizes a proposed version whose challenge window passed without a challenge;
    /// anyone may call it.
    /// @param versionId The version.
    function finalizeVersion(uint256 versionId) external {
        Version storage v = _version(versionId);
        if (v.status != VersionStatus.Proposed) revert InvalidVersionStatus(versionId, v.status);
        if (block.timestamp < v.challengeDeadline) revert ChallengeWindowOpen(v.challengeDeadline);
        _finalize(versionId, v);
    }

    // ------------------------------------------------------------------ views

    /// @notice The stored version `versionId`.
    /// @param versionId The version.
    /// @return The version.
    function getVersion(uint256 versionId) external view returns (Version memory) {
        return _versions[versionId];
    }

    /// @notice The model `modelId`.
    /// @param modelId The model.
    /// @return The model.
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _models[modelId];
    }

    /// @notice The EIP-712 digest an aggregator signs for `p` with `nonce`.
    /// @param p The proposal.
    /// @param aggregator The signer.
    /// @param nonce The signer's next nonce (`nonces(aggregator)`).
    /// @param deadline The deadline.
    /// @return The digest.
    function proposeDigest(Proposal calldata p, address aggregator, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(_proposeStructHash(p, aggregator, nonce, deadline));
    }

    /// @notice The EIP-712 digest a confirmer signs.
    /// @param versionId The version.
    /// @param commitHash Its commit hash.
    /// @param confirmer The signer.
    /// @param nonce The signer's next nonce.
    /// @param deadline The deadline.
    /// @return The digest.
    function confirmDigest(uint256 versionId, bytes32 commitHash, address confirmer, uint256 nonce, uint256 deadline)
        external
        view
        returns (bytes32)
    {
        return
            _hashTypedDataV4(keccak256(abi.encode(CONFIRM_TYPEHASH, versionId, commitHash, confirmer, nonce, deadline)));
    }

    /// @notice The EIP-712 domain separator (chain id and this contract).
    /// @return The separator.
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ internal

    function _createModel(address owner, uint256 taskId, VersionData memory data)
        private
        returns (uint256 modelId, uint256 versionId)
    {
        modelId = ++modelCount;
        versionId = _store(modelId, 0, 0, VersionStatus.Final, data);
        _models[modelId] = Model({owner: owner, head: uint64(versionId), taskId: uint64(taskId)});
        emit ModelCreated(modelId, owner, taskId, versionId);
    }

    function _store(uint256 modelId, uint256 parent, uint256 mergeParent, VersionStatus status, VersionData memory data)
        private
        returns (uint256 versionId)
    {
        if (data.modelCid.length == 0) revert EmptyModelCid();
        versionId = ++versionCount;
        Version storage v = _versions[versionId];
        v.modelId = uint64(modelId);
        v.parent = uint64(parent);
        v.mergeParent = uint64(mergeParent);
        v.proposedAt = uint64(block.timestamp);
        v.accuracyBps = data.accuracyBps;
        v.loss = data.loss;
        v.status = status;
        v.commitHash = data.commitHash;
        v.deltaRoot = data.deltaRoot;
        v.dataHash = data.dataHash;
        v.modelCid = data.modelCid;
        emit VersionRegistered(
            versionId,
            modelId,
            parent,
            mergeParent,
            status,
            data.modelCid,
            data.commitHash,
            data.deltaRoot,
            data.dataHash,
            data.accuracyBps,
            data.loss
        );
    }

    function _finalize(uint256 versionId, Version storage v) private {
        uint256 taskId = v.taskId;
        uint256 round = v.round;
        if (roundVersion[taskId][round] != 0) revert RoundAlreadyFinal(taskId, round);
        v.status = VersionStatus.Final;
        roundVersion[taskId][round] = versionId;
        emit VersionFinalized(versionId, v.modelId);
        Model storage m = _models[v.modelId];
        uint64 head = m.head;
        if (head == v.parent) {
            m.head = uint64(versionId);
            emit HeadMoved(v.modelId, head, versionId, false);
        }
    }

    function _proposeStructHash(Proposal calldata p, address aggregator, uint256 nonce, uint256 deadline)
        private
        pure
        returns (bytes32)
    {
        bytes memory head = abi.encode(PROPOSE_TYPEHASH, p.taskId, p.round, p.parent, keccak256(p.data.modelCid));
        bytes memory tail = abi.encode(
            p.data.commitHash,
            p.data.deltaRoot,
            p.data.dataHash,
            p.data.accuracyBps,
            p.data.loss,
            aggregator,
            nonce,
            deadline
        );
        return keccak256(bytes.concat(head, tail));
    }

    function _model(uint256 modelId) private view returns (Model storage m) {
        m = _models[modelId];
        if (m.owner == address(0)) revert UnknownModel(modelId);
    }

    function _version(uint256 versionId) private view returns (Version storage v) {
        v = _versions[versionId];
        if (v.status == VersionStatus.None) revert UnknownVersion(versionId);
    }

    function _requireFinal(uint256 versionId) private view {
        VersionStatus status = _versions[versionId].status;
        if (status == VersionStatus.None) revert UnknownVersion(versionId);
        if (status != VersionStatus.Final) revert VersionNotFinal(versionId);
    }
}
