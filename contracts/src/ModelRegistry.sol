// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IConsensusVerifier} from "./interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "./interfaces/IModelRegistry.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ITaskManager} from "./interfaces/ITaskManager.sol";
import {ChallengeBonds} from "./libraries/ChallengeBonds.sol";

/// @title ModelRegistry
/// @notice Models, their versions and lineage. A version's content is its commit hash (content hash
/// of the weights), model CID, the Merkle root of the accepted delta CIDs, the training data hash
/// and validation metrics; registered facts never change. The registry stores a version's state
/// (model, parents, task round, status, signers, deadlines) and one hash of its content
/// (`contentHashOf`); the content goes out in `VersionRegistered`, and whoever needs it back
/// (`confirm`, a task continuing a version, readers) gives it, checked against the hash. For a task round, every winner
/// that recomputed the round's version signs one EIP-712 `Version` over its content; a winner (the
/// aggregator) submits its own signature with those it gathered off chain, and late ones are added
/// by `confirm`. The version becomes final once its signers are a strict majority of the round's
/// winners (and more than the task's `confirmations`), or, with no challenge, after
/// `challengeWindow` seconds. A challenge bonds the task's minimum stake; the
/// REFEREE_ROLE judges it within `challengeWindow` (a dismissed challenger loses its bond), or it
/// lapses with its bond returned. GOVERNANCE_ROLE (a timelock) may roll back models of closed tasks.
/// Every provider of a task locks the same stake, so a majority of winners is a majority of their
/// locked stake. While a task is open, its model's head moves only by this protocol. Lineage:
/// `fork` starts a new model at any final version, `merge` adds a version with two parents,
/// `rollback` moves a head back to an ancestor (proved by a parent path).
/// @dev Version ids grow and every parent has a smaller id than its child, so the lineage graph is
/// acyclic by construction. Signatures are emitted in events rather than stored. A `Version`
/// signature has no nonce or deadline: it binds task, round and parent, a proposal is accepted only
/// for the task's current round on top of the head, and a round gets one final version, so a
/// replayed signature can only count again for the content it endorsed, where it is deduplicated.
/// The domain binds chain id and this contract.
contract ModelRegistry is IModelRegistry, AccessControl, EIP712 {
    /// @notice May register a task's model (the TaskManager).
    bytes32 public constant TASK_MANAGER_ROLE = keccak256("TASK_MANAGER_ROLE");
    /// @notice May roll back any model whose task is closed.
    bytes32 public constant GOVERNANCE_ROLE = keccak256("GOVERNANCE_ROLE");
    /// @notice Judges challenges; may not challenge.
    bytes32 public constant REFEREE_ROLE = keccak256("REFEREE_ROLE");

    /// @notice An open challenge: who opened it with what bond, the referee's deadline, the block
    /// of its commitment (an older one takes the challenge over) and its `versionClaim`.
    struct Challenge {
        address challenger;
        uint96 bond;
        uint64 resolveBy;
        uint64 committedAt;
        bytes32 claim;
    }

    /// @notice A version an upheld challenge found forged, and the reporter of its co-signers'
    /// slashes (zero when the challenger's claim was not what the referee computed).
    struct Forgery {
        bool forged;
        address reporter;
    }

    // solhint-disable gas-small-strings
    /// @notice EIP-712 type every endorsing winner signs: the version's content for a task round.
    bytes32 public constant VERSION_TYPEHASH = keccak256(
        "Version(uint256 taskId,uint256 round,uint256 parent,bytes modelCid,bytes32 commitHash,bytes32 deltaRoot,bytes32 dataHash,uint32 accuracyBps,uint64 loss)"
    );
    // solhint-enable gas-small-strings
    /// @notice The `challengeDeadline` of a proposed version whose challenge lapsed unjudged: no
    /// quiet window makes it final, only a winners' majority.
    uint64 public constant NO_QUIET_WINDOW = type(uint64).max;

    /// @notice The task manager, set once after deployment.
    ITaskManager public taskManager;
    /// @inheritdoc IModelRegistry
    uint256 public modelCount;
    /// @inheritdoc IModelRegistry
    uint256 public versionCount;

    mapping(uint256 modelId => Model) internal _models;
    mapping(uint256 versionId => Version) internal _versions;
    /// @inheritdoc IModelRegistry
    mapping(uint256 versionId => mapping(address signer => bool)) public confirmedBy;
    /// @inheritdoc IModelRegistry
    mapping(uint256 versionId => Challenge) public challenges;
    /// @notice Block in which each challenge commitment was made (0: none, or spent).
    mapping(bytes32 commitment => uint256 blockNumber) public challengeCommitments;
    /// @inheritdoc IModelRegistry
    mapping(uint256 taskId => mapping(uint256 round => mapping(address signer => bool))) public equivocated;
    /// @inheritdoc IModelRegistry
    mapping(uint256 versionId => Forgery) public forgeries;
    /// @inheritdoc IModelRegistry
    mapping(uint256 taskId => mapping(address aggregator => uint256 roundPlusOne)) public proposedRound;

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

    /// @inheritdoc IModelRegistry
    function createModel(VersionData calldata data) external returns (uint256 modelId, uint256 versionId) {
        return _createModel(msg.sender, 0, 0, data);
    }

    /// @inheritdoc IModelRegistry
    function registerTaskModel(
        address owner,
        uint256 taskId,
        bytes calldata modelCid,
        bytes32 commitHash,
        bytes32 dataHash,
        uint256 parent,
        VersionData calldata parentData
    ) external onlyRole(TASK_MANAGER_ROLE) returns (uint256 modelId, uint256 versionId) {
        if (parent != 0) {
            // The lineage is only as true as this check: a task cannot claim a parent it does not start from.
            _requireFinal(parent);
            _requireData(parent, _versions[parent], parentData);
            if (parentData.commitHash != commitHash || keccak256(parentData.modelCid) != keccak256(modelCid)) {
                revert NotParentModel(parent);
            }
        }
        VersionData memory data = VersionData(modelCid, commitHash, bytes32(0), dataHash, 0, 0);
        return _createModel(owner, taskId, parent, data);
    }

    /// @inheritdoc IModelRegistry
    function fork(uint256 versionId) external returns (uint256 modelId) {
        _requireFinal(versionId);
        modelId = ++modelCount;
        _models[modelId] = Model({owner: msg.sender, head: uint64(versionId), taskId: 0});
        emit ModelCreated(modelId, msg.sender, 0, versionId);
    }

    /// @inheritdoc IModelRegistry
    function merge(uint256 modelId, uint256 otherVersionId, VersionData calldata data)
        external
        returns (uint256 versionId)
    {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner) revert NotModelOwner(modelId, msg.sender);
        _requireTaskClosed(modelId, m);
        _requireFinal(otherVersionId);
        uint64 head = m.head;
        versionId = _store(modelId, head, otherVersionId, VersionStatus.Final, data);
        m.head = uint64(versionId);
        emit HeadMoved(modelId, head, versionId, false);
    }

    /// @inheritdoc IModelRegistry
    function rollback(uint256 modelId, uint256[] calldata path) external {
        Model storage m = _model(modelId);
        if (msg.sender != m.owner && !hasRole(GOVERNANCE_ROLE, msg.sender)) revert NotModelOwner(modelId, msg.sender);
        _requireTaskClosed(modelId, m);
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

    /// @inheritdoc IModelRegistry
    function propose(
        Proposal calldata p,
        address[] calldata signers,
        bytes[] calldata signatures,
        IConsensusVerifier.AcceptedResult[] calldata results
    ) external returns (uint256 versionId) {
        ITaskManager.Task memory t = _checkProposal(p, results);
        uint256 winners = _checkProposalSigners(p, signers, signatures);
        uint256 mine = _indexOf(signers, msg.sender);
        if (proposedRound[p.taskId][msg.sender] == p.round + 1) revert AlreadyProposed(p.taskId, p.round, msg.sender);
        proposedRound[p.taskId][msg.sender] = p.round + 1;

        versionId = _store(t.modelId, p.parent, 0, VersionStatus.Proposed, p.data);
        Version storage v = _versions[versionId];
        v.aggregator = msg.sender;
        v.taskId = uint64(p.taskId);
        v.round = uint64(p.round);
        // A strict majority of the winners, and the aggregator plus the task's `confirmations`.
        v.requiredSigners = uint16(1 + (t.confirmations > winners / 2 ? t.confirmations : winners / 2));
        v.challengeDeadline = uint64(block.timestamp) + t.challengeWindow;
        emit VersionProposed(versionId, p.taskId, p.round, msg.sender, signatures[mine]);
        _countProposalSigners(versionId, v, signers, signatures, mine);
    }

    /// @inheritdoc IModelRegistry
    function confirm(
        uint256 versionId,
        VersionData calldata data,
        address[] calldata signers,
        bytes[] calldata signatures
    ) external {
        Version storage v = _version(versionId);
        // A challenge does not stop a winners' majority: only the quiet-window path waits for it.
        if (v.status != VersionStatus.Proposed && v.status != VersionStatus.Challenged) {
            revert InvalidVersionStatus(versionId, v.status);
        }
        // Signatures are checked over the content given, so it must be the content proposed.
        _requireData(versionId, v, data);
        bytes32 digest = _versionDigest(v.taskId, v.round, v.parent, data);
        _checkSigners(v.taskId, v.round, digest, signers, signatures);
        uint256 count = v.signers;
        for (uint256 i = 0; i < signers.length; ++i) {
            if (confirmedBy[versionId][signers[i]]) revert AlreadyConfirmed(signers[i]);
            confirmedBy[versionId][signers[i]] = true;
            emit VersionConfirmed(versionId, signers[i], ++count, signatures[i]);
        }
        v.signers = uint16(count);
        if (count >= v.requiredSigners) _finalize(versionId, v);
    }

    /// @inheritdoc IModelRegistry
    function commitChallenge(bytes32 commitment) external {
        // Re-committed, it would look made later, and whoever saw it could postpone its opening.
        if (challengeCommitments[commitment] != 0) revert ChallengeAlreadyCommitted(commitment);
        challengeCommitments[commitment] = block.number;
        emit ChallengeCommitted(msg.sender, commitment);
    }

    /// @inheritdoc IModelRegistry
    function challenge(uint256 versionId, bytes32 claim, bytes32 salt) external {
        bytes32 commitment = challengeCommitmentOf(msg.sender, versionId, claim, salt);
        uint256 committedAt = challengeCommitments[commitment];
        if (committedAt == 0 || committedAt >= block.number) revert ChallengeNotCommitted(commitment);
        delete challengeCommitments[commitment];
        Version storage v = _version(versionId);
        Challenge memory open;
        if (v.status == VersionStatus.Challenged) {
            open = challenges[versionId];
            // A copier who saw an opening commits in its block or later: only an older commitment wins.
            if (committedAt >= open.committedAt) revert ChallengeAlreadyOpen(versionId, open.challenger);
        } else if (v.status != VersionStatus.Proposed) {
            revert InvalidVersionStatus(versionId, v.status);
        }
        if (block.timestamp >= v.challengeDeadline) revert ChallengeWindowClosed(v.challengeDeadline);
        // A lapsed challenge left it no window of its own: challenged again only while it may still
        // become final, not after its round or task ended (when its signers' stake is unlocking).
        if (v.challengeDeadline == NO_QUIET_WINDOW && !_isCurrent(v)) _revertNotCurrent(versionId, v);
        ITaskManager.Task memory t = taskManager.getTask(v.taskId);
        bool member = taskManager.isProvider(v.taskId, msg.sender) || t.creator == msg.sender;
        if (!member || hasRole(REFEREE_ROLE, msg.sender)) revert NotAllowedToChallenge(msg.sender);
        v.status = VersionStatus.Challenged;
        uint64 resolveBy = open.challenger == address(0) ? uint64(block.timestamp) + t.challengeWindow : open.resolveBy;
        challenges[versionId] = Challenge({
            challenger: msg.sender,
            bond: t.minStake,
            resolveBy: resolveBy,
            committedAt: uint64(committedAt),
            claim: claim
        });
        emit VersionChallenged(versionId, msg.sender, claim);
        // Dismissed in time, it becomes final if its round still runs: the round waits for the referee.
        if (_isCurrent(v)) taskManager.holdRound(v.taskId, v.round, resolveBy, versionId, false);
        IRewardDistributor distributor = taskManager.distributor();
        if (open.challenger != address(0)) distributor.releaseBond(bytes32(versionId), open.challenger);
        distributor.holdBond(bytes32(versionId), msg.sender, t.minStake);
    }

    /// @inheritdoc IModelRegistry
    function resolveChallenge(uint256 versionId, bool uphold, bytes32 claim) external onlyRole(REFEREE_ROLE) {
        Version storage v = _version(versionId);
        Challenge memory c = _openChallenge(versionId);
        if (block.timestamp >= c.resolveBy) revert ChallengeLapsed(versionId, c.resolveBy);
        delete challenges[versionId];
        emit ChallengeResolved(versionId, uphold, c.bond);
        IRewardDistributor distributor = taskManager.distributor();
        if (uphold) {
            if (v.status == VersionStatus.Challenged) {
                v.status = VersionStatus.Rejected;
                emit VersionRejected(versionId);
            }
            address reporter = ChallengeBonds.reporterOf(c.challenger, c.claim, claim);
            forgeries[versionId] = Forgery(true, reporter);
            ChallengeBonds.settleUpheld(distributor, bytes32(versionId), reporter);
            // The loser pays: proposing a version the accepted results do not give is provable fraud.
            uint256 slashed =
                distributor.slash(v.aggregator, v.taskId, taskManager.getTask(v.taskId).minStake, reporter);
            emit VersionSlashed(versionId, v.taskId, v.aggregator, reporter, slashed);
            taskManager.eject(v.taskId, v.aggregator);
            return;
        }
        if (v.status == VersionStatus.Challenged) {
            v.status = VersionStatus.Proposed;
            if (_isCurrent(v)) _finalize(versionId, v);
        }
        distributor.forfeitBond(bytes32(versionId), v.aggregator);
    }

    /// @inheritdoc IModelRegistry
    function slashCosigner(uint256 versionId, address signer) external returns (uint256 amount) {
        Forgery memory forgery = forgeries[versionId];
        if (!forgery.forged) revert NotForged(versionId);
        address reporter = forgery.reporter;
        Version storage v = _version(versionId);
        if (!confirmedBy[versionId][signer] || signer == v.aggregator) revert NotCosigner(versionId, signer);
        // Struck off, so a signer is slashed once per version.
        delete confirmedBy[versionId][signer];
        amount = taskManager.distributor().slash(signer, v.taskId, taskManager.getTask(v.taskId).minStake, reporter);
        emit CosignerSlashed(versionId, v.taskId, signer, reporter, amount);
        taskManager.eject(v.taskId, signer);
    }

    /// @inheritdoc IModelRegistry
    function expireChallenge(uint256 versionId) external {
        Version storage v = _version(versionId);
        Challenge memory c = _openChallenge(versionId);
        if (block.timestamp < c.resolveBy) revert ChallengeUnresolvedUntil(c.resolveBy);
        delete challenges[versionId];
        if (v.status == VersionStatus.Challenged) v.status = VersionStatus.Proposed;
        // Nobody judged it, so it did not survive its challenge: only a winners' majority may make
        // it final now, never the quiet window (which a late challenge may have outlasted).
        v.challengeDeadline = NO_QUIET_WINDOW;
        emit ChallengeExpired(versionId);
        taskManager.distributor().releaseBond(bytes32(versionId), c.challenger);
    }

    /// @inheritdoc IModelRegistry
    function challengeCommitmentOf(address challenger, uint256 versionId, bytes32 claim, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(challenger, versionId, claim, salt));
    }

    /// @inheritdoc IModelRegistry
    function versionClaim(bytes32 commitHash, bytes32 deltaRoot, bytes32 dataHash) external pure returns (bytes32) {
        return keccak256(abi.encode(commitHash, deltaRoot, dataHash));
    }

    /// @inheritdoc IModelRegistry
    function challengeBond(uint256 versionId) external view returns (uint256) {
        return taskManager.getTask(_version(versionId).taskId).minStake;
    }

    /// @inheritdoc IModelRegistry
    function reportEquivocation(
        address signer,
        Proposal calldata a,
        bytes calldata sigA,
        Proposal calldata b,
        bytes calldata sigB
    ) external returns (uint256 amount) {
        if (msg.sender == signer || hasRole(REFEREE_ROLE, msg.sender)) {
            revert NotAllowedToReport(msg.sender);
        }
        if (a.taskId != b.taskId || a.round != b.round || a.parent != b.parent || !_otherModel(a.data, b.data)) {
            revert NotEquivocation();
        }
        _requireSignature(signer, _versionDigest(a.taskId, a.round, a.parent, a.data), sigA);
        _requireSignature(signer, _versionDigest(b.taskId, b.round, b.parent, b.data), sigB);
        if (!taskManager.isProvider(a.taskId, signer)) revert NotTaskProvider(a.taskId, signer);
        if (equivocated[a.taskId][a.round][signer]) revert AlreadyReported(a.taskId, a.round, signer);
        equivocated[a.taskId][a.round][signer] = true;
        ITaskManager.Task memory t = taskManager.getTask(a.taskId);
        amount = taskManager.distributor().slash(signer, a.taskId, t.minStake, msg.sender);
        emit Equivocated(a.taskId, a.round, signer, msg.sender, amount);
        taskManager.eject(a.taskId, signer);
    }

    /// @inheritdoc IModelRegistry
    function quietWindowPassed(uint256 versionId) external view returns (bool) {
        Version storage v = _versions[versionId];
        return v.status == VersionStatus.Proposed && block.timestamp >= v.challengeDeadline && _isCurrent(v);
    }

    /// @inheritdoc IModelRegistry
    function finalizeVersion(uint256 versionId) external {
        Version storage v = _version(versionId);
        if (v.status != VersionStatus.Proposed) revert InvalidVersionStatus(versionId, v.status);
        if (block.timestamp < v.challengeDeadline) revert ChallengeWindowOpen(v.challengeDeadline);
        _finalize(versionId, v);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IModelRegistry
    function getVersion(uint256 versionId) external view returns (Version memory) {
        return _versions[versionId];
    }

    /// @inheritdoc IModelRegistry
    function contentHashOf(VersionData calldata data) external pure returns (bytes32) {
        return _contentHash(data);
    }

    /// @inheritdoc IModelRegistry
    function requireVersionData(uint256 versionId, VersionData calldata data) external view {
        _requireData(versionId, _version(versionId), data);
    }

    /// @inheritdoc IModelRegistry
    function getModel(uint256 modelId) external view returns (Model memory) {
        return _models[modelId];
    }

    /// @inheritdoc IModelRegistry
    function versionDigest(Proposal calldata p) external view returns (bytes32) {
        return _versionDigest(p.taskId, p.round, p.parent, p.data);
    }

    /// @inheritdoc IModelRegistry
    function domainSeparator() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    // ------------------------------------------------------------------ internal

    function _createModel(address owner, uint256 taskId, uint256 parent, VersionData memory data)
        private
        returns (uint256 modelId, uint256 versionId)
    {
        modelId = ++modelCount;
        versionId = _store(modelId, parent, 0, VersionStatus.Final, data);
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
        v.status = status;
        // One slot for the content instead of seven or more: the details are in the event.
        v.contentHash = _contentHash(data);
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
        if (!_isCurrent(v)) _revertNotCurrent(versionId, v);
        v.status = VersionStatus.Final;
        emit VersionFinalized(versionId, v.modelId);
        Model storage m = _models[v.modelId];
        uint64 head = m.head;
        if (head == v.parent) {
            m.head = uint64(versionId);
            emit HeadMoved(v.modelId, head, versionId, false);
        }
        // The round ends with its version (the verifier keeps it in the round's `roundStarts`): no
        // separate `advance` transaction, no wait for one.
        taskManager.onVersionFinal(v.taskId, v.round, versionId);
    }

    /// @dev `keccak256(abi.encode(data))`: what a version's content is stored as.
    function _contentHash(VersionData memory data) private pure returns (bytes32) {
        return keccak256(abi.encode(data));
    }

    /// @dev Reverts unless `data` hashes to `v`'s stored content hash.
    function _requireData(uint256 versionId, Version storage v, VersionData calldata data) private view {
        bytes32 given = _contentHash(data);
        if (given != v.contentHash) revert VersionDataMismatch(versionId, v.contentHash, given);
    }

    /// @dev `signer`'s signature (ECDSA or ERC-1271) of `digest`, or `InvalidSignature`.
    function _requireSignature(address signer, bytes32 digest, bytes calldata signature) private view {
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) revert InvalidSignature(signer);
    }

    /// @dev Whether two versions name different models. Metrics alone do not count: a winner signs
    /// the aggregator's accuracy and loss, and may later sign a stand-in's for the same model.
    function _otherModel(VersionData calldata a, VersionData calldata b) private pure returns (bool) {
        return keccak256(a.modelCid) != keccak256(b.modelCid) || a.commitHash != b.commitHash
            || a.deltaRoot != b.deltaRoot || a.dataHash != b.dataHash;
    }

    /// @dev The EIP-712 digest of a `Version` (the struct is hashed in two parts: one `abi.encode`
    /// of all ten words runs out of stack).
    function _versionDigest(uint256 taskId, uint256 round, uint256 parent, VersionData memory data)
        private
        view
        returns (bytes32)
    {
        bytes memory head = abi.encode(VERSION_TYPEHASH, taskId, round, parent, keccak256(data.modelCid));
        bytes memory tail = abi.encode(data.commitHash, data.deltaRoot, data.dataHash, data.accuracyBps, data.loss);
        return _hashTypedDataV4(keccak256(bytes.concat(head, tail)));
    }

    /// @dev Checks a batch of `Version` signatures of round `round` of `taskId`: signers strictly
    /// ascending (so none twice), each a winner of the round whose signature (ECDSA or ERC-1271)
    /// is over `digest`. Returns the number of the round's winners.
    function _checkSigners(
        uint256 taskId,
        uint256 round,
        bytes32 digest,
        address[] calldata signers,
        bytes[] calldata signatures
    ) private view returns (uint256 winners) {
        if (signers.length != signatures.length) {
            revert SignatureCountMismatch(signers.length, signatures.length);
        }
        if (signers.length == 0) revert NoSigners();
        address previous;
        for (uint256 i = 0; i < signers.length; ++i) {
            address signer = signers[i];
            if (signer <= previous) revert SignersNotAscending(previous, signer);
            previous = signer;
            bool winner;
            (winner, winners) = taskManager.winnerStatus(taskId, round, signer);
            if (!winner) revert NotRoundWinner(taskId, round, signer);
            _requireSignature(signer, digest, signatures[i]);
        }
    }

    /// @dev `_checkSigners` for the signatures a proposal carries.
    function _checkProposalSigners(Proposal calldata p, address[] calldata signers, bytes[] calldata signatures)
        private
        view
        returns (uint256 winners)
    {
        bytes32 digest = _versionDigest(p.taskId, p.round, p.parent, p.data);
        return _checkSigners(p.taskId, p.round, digest, signers, signatures);
    }

    /// @dev Counts a new proposal's signers (the aggregator's signature is in `VersionProposed`,
    /// each other one in a `VersionConfirmed`) and finalizes it when they suffice.
    function _countProposalSigners(
        uint256 versionId,
        Version storage v,
        address[] calldata signers,
        bytes[] calldata signatures,
        uint256 mine
    ) private {
        v.signers = uint16(signers.length);
        bool isFinal = signers.length >= v.requiredSigners;
        uint256 count = 1;
        for (uint256 i = 0; i < signers.length; ++i) {
            // Only a version still gathering signatures needs them stored, to refuse counting one twice.
            if (!isFinal) confirmedBy[versionId][signers[i]] = true;
            if (i != mine) emit VersionConfirmed(versionId, signers[i], ++count, signatures[i]);
        }
        // Not final yet: it may become so when its challenge window closes, so the round waits.
        if (isFinal) _finalize(versionId, v);
        else taskManager.holdRound(v.taskId, v.round, v.challengeDeadline, versionId, true);
    }

    /// @dev A proposal is for the task's current, decided round without a final version, on top of
    /// the head, and its delta root is the one the verifier computes from the round's accepted
    /// results (so a version names no inputs but those). Returns the task.
    function _checkProposal(Proposal calldata p, IConsensusVerifier.AcceptedResult[] calldata results)
        private
        view
        returns (ITaskManager.Task memory t)
    {
        t = taskManager.getTask(p.taskId);
        if (p.round != t.currentRound || !taskManager.isRoundDecided(p.taskId)) {
            revert RoundNotReady(p.taskId, p.round);
        }
        uint256 head = _models[t.modelId].head;
        if (p.parent != head) revert StaleParent(p.parent, head);
        bytes32 root = taskManager.verifier().acceptedDeltaRoot(p.taskId, p.round, results);
        if (p.data.deltaRoot != root) revert DeltaRootMismatch(p.data.deltaRoot, root);
    }

    /// @dev Where `account` is in `signers`; reverts when it is not there.
    function _indexOf(address[] calldata signers, address account) private pure returns (uint256) {
        for (uint256 i = 0; i < signers.length; ++i) {
            if (signers[i] == account) return i;
        }
        revert CallerNotSigner(account);
    }

    function _openChallenge(uint256 versionId) private view returns (Challenge memory c) {
        c = challenges[versionId];
        if (c.challenger == address(0)) revert NoOpenChallenge(versionId);
    }

    /// @dev Whether the version's round is still the running round of its task (it may become
    /// final): a round whose version became final has ended already.
    function _isCurrent(Version storage v) private view returns (bool) {
        ITaskManager.Task memory t = taskManager.getTask(v.taskId);
        return t.status == ITaskManager.TaskStatus.Running && t.currentRound == v.round;
    }

    /// @dev Why a version that is not `_isCurrent` cannot become final.
    function _revertNotCurrent(uint256 versionId, Version storage v) private view {
        (,, uint64 roundFinal) = taskManager.verifier().roundStarts(v.taskId, v.round);
        if (roundFinal != 0) revert RoundAlreadyFinal(v.taskId, v.round);
        revert ProposalExpired(versionId, v.round, taskManager.getTask(v.taskId).currentRound);
    }

    function _requireTaskClosed(uint256 modelId, Model storage m) private view {
        uint256 taskId = m.taskId;
        if (taskId == 0) return;
        ITaskManager.TaskStatus status = taskManager.getTask(taskId).status;
        if (status == ITaskManager.TaskStatus.Joining || status == ITaskManager.TaskStatus.Running) {
            revert TaskModelLocked(modelId, taskId);
        }
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
