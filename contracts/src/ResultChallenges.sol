// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IConsensusVerifier} from "./interfaces/IConsensusVerifier.sol";
import {IResultChallenges} from "./interfaces/IResultChallenges.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {ITaskManager} from "./interfaces/ITaskManager.sol";
import {ChallengeBonds} from "./libraries/ChallengeBonds.sol";
import {DeltaHeader} from "./libraries/DeltaHeader.sol";
import {DeltaRoot} from "./libraries/DeltaRoot.sol";

/// @title ResultChallenges
/// @notice Bonded, commit-then-open challenges of revealed results, judged by the referee (see
/// IResultChallenges). It holds the verifier's REFEREE_ROLE only to call `slash` for an upheld
/// challenge, and the distributor's BOND_ROLE for the bonds.
/// @dev Its own contract because the verifier is at the code size limit.
contract ResultChallenges is IResultChallenges, AccessControl {
    /// @notice Judges challenges; may not challenge.
    bytes32 public constant REFEREE_ROLE = keccak256("REFEREE_ROLE");

    /// @notice The verifier whose results are challenged.
    IConsensusVerifier public immutable verifier;
    /// @notice The task manager (membership, bond size).
    ITaskManager public immutable taskManager;

    /// @notice Block number of each commitment (0: none).
    mapping(bytes32 commitment => uint256 blockNumber) public commitments;
    mapping(bytes32 resultKey => Challenge) private _challenges;

    /// @notice Deploys the contract.
    /// @param verifier_ The verifier.
    /// @param taskManager_ The task manager.
    /// @param admin Receives DEFAULT_ADMIN_ROLE.
    constructor(IConsensusVerifier verifier_, ITaskManager taskManager_, address admin) {
        verifier = verifier_;
        taskManager = taskManager_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc IResultChallenges
    function commit(bytes32 commitment) external {
        if (commitments[commitment] != 0) revert AlreadyCommitted(commitment);
        commitments[commitment] = block.number;
        emit ChallengeCommitted(msg.sender, commitment);
    }

    /// @inheritdoc IResultChallenges
    function challenge(IConsensusVerifier.ResultRef calldata ref, bytes32 claim, bytes32 salt) external {
        bytes32 commitment = commitmentOf(msg.sender, ref, claim, salt);
        uint256 committedAt = _committedBefore(commitment);
        delete commitments[commitment];
        address accused = verifier.slashableResult(ref);
        ITaskManager.Task memory t = taskManager.getTask(ref.taskId);
        bool member = taskManager.isProvider(ref.taskId, msg.sender) || t.creator == msg.sender;
        if (!member || msg.sender == accused || hasRole(REFEREE_ROLE, msg.sender)) {
            revert NotAllowedToChallenge(msg.sender);
        }
        bytes32 key = resultKey(ref);
        Challenge memory open = _challenges[key];
        uint48 resolveBy = uint48(block.timestamp) + t.challengeWindow;
        if (open.challenger != address(0)) {
            // A copier who saw an opening commits in its block or later: only an older commitment wins.
            if (committedAt >= open.committedAt) revert ChallengeAlreadyOpen(open.challenger);
            resolveBy = open.resolveBy;
        }
        _challenges[key] = Challenge(msg.sender, uint48(committedAt), resolveBy, claim);
        emit ResultChallenged(
            ref.taskId, ref.round, ref.shard, ref.attempt, ref.replica, msg.sender, t.rewardPerResult, resolveBy
        );
        IRewardDistributor distributor = taskManager.distributor();
        if (open.challenger != address(0)) distributor.releaseBond(key, open.challenger);
        distributor.holdBond(key, msg.sender, t.rewardPerResult);
    }

    /// @inheritdoc IResultChallenges
    function resolve(
        IConsensusVerifier.ResultRef calldata ref,
        bool upheld,
        IConsensusVerifier.SlashReason reason,
        bytes32 evidence,
        bytes32 claim
    ) external onlyRole(REFEREE_ROLE) {
        bytes32 key = resultKey(ref);
        Challenge memory c = _open(key);
        if (block.timestamp >= c.resolveBy) revert ChallengeLapsed(c.resolveBy);
        delete _challenges[key];
        emit ResultChallengeResolved(key, c.challenger, upheld);
        IRewardDistributor distributor = taskManager.distributor();
        if (!upheld) {
            distributor.forfeitBond(key, _providerOf(ref));
            return;
        }
        address reporter = ChallengeBonds.reporterOf(c.challenger, c.claim, claim);
        ChallengeBonds.settleUpheld(distributor, key, reporter);
        // An audit may have slashed it meanwhile: the challenge was right, there is nothing more to take.
        if (_providerOf(ref) != address(0)) verifier.slash(ref, reason, evidence, reporter);
    }

    /// @inheritdoc IResultChallenges
    function proveInvalidDelta(
        IConsensusVerifier.ResultRef calldata ref,
        bytes32 salt,
        bytes32 fingerprintHash,
        bytes calldata delta
    ) external {
        bytes32 claim = resultClaim(keccak256(delta), bytes32(0));
        bytes32 commitment = commitmentOf(msg.sender, ref, claim, salt);
        uint256 committedAt = _committedBefore(commitment);
        address accused = verifier.slashableResult(ref);
        if (msg.sender == accused) revert NotAllowedToChallenge(msg.sender);
        bytes32 deltaHash = _revealedDeltaHash(ref, fingerprintHash, delta);
        bytes32 binding =
            DeltaHeader.bindingOf(address(verifier), ref.taskId, ref.round, ref.shard, ref.attempt, accused);
        if (!DeltaHeader.isFaulty(delta, binding)) revert DeltaPassesOnChainChecks();
        delete commitments[commitment];

        bytes32 key = resultKey(ref);
        Challenge memory open = _challenges[key];
        address reporter = msg.sender;
        // The proof settles only a challenge with its own claim. Another may be as right (sealed
        // bytes that do not open, over a plaintext the accused kept and an accomplice proves), and
        // only the referee, who fetches the same sealed bytes, can tell it from a blind one.
        if (open.challenger != address(0) && open.claim == claim) {
            delete _challenges[key];
            emit ResultChallengeResolved(key, open.challenger, true);
            taskManager.distributor().releaseBond(key, open.challenger);
            if (open.committedAt < committedAt) reporter = open.challenger;
        }
        emit InvalidDeltaProven(key, msg.sender, reporter, deltaHash);
        verifier.slash(ref, IConsensusVerifier.SlashReason.InvalidDelta, deltaHash, reporter);
    }

    /// @inheritdoc IResultChallenges
    function expire(IConsensusVerifier.ResultRef calldata ref) external {
        bytes32 key = resultKey(ref);
        Challenge memory c = _open(key);
        if (block.timestamp < c.resolveBy) revert ChallengeUnresolvedUntil(c.resolveBy);
        delete _challenges[key];
        emit ResultChallengeExpired(key, c.challenger);
        taskManager.distributor().releaseBond(key, c.challenger);
    }

    /// @inheritdoc IResultChallenges
    function challengeOf(IConsensusVerifier.ResultRef calldata ref) external view returns (Challenge memory) {
        return _challenges[resultKey(ref)];
    }

    /// @inheritdoc IResultChallenges
    function commitmentOf(address challenger, IConsensusVerifier.ResultRef calldata ref, bytes32 claim, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(challenger, ref, claim, salt));
    }

    /// @inheritdoc IResultChallenges
    function resultClaim(bytes32 contentHash, bytes32 fingerprintHash) public pure returns (bytes32) {
        return keccak256(abi.encode(contentHash, fingerprintHash));
    }

    /// @inheritdoc IResultChallenges
    function resultKey(IConsensusVerifier.ResultRef calldata ref) public pure returns (bytes32) {
        return keccak256(abi.encode(ref));
    }

    /// @dev sha256 of `delta`, once it is shown to be the plaintext the result revealed.
    function _revealedDeltaHash(
        IConsensusVerifier.ResultRef calldata ref,
        bytes32 fingerprintHash,
        bytes calldata delta
    ) private view returns (bytes32 deltaHash) {
        deltaHash = sha256(delta);
        // the revealed delta CID is the raw CIDv1 of the plaintext: 0x01551220 ‖ sha256
        bytes32 deltaLeaf = DeltaRoot.leaf(abi.encodePacked(bytes4(0x01551220), deltaHash));
        bytes32 digest = verifier.resultOf(ref.taskId, ref.round, ref.shard, ref.attempt, ref.replica);
        if (keccak256(abi.encode(fingerprintHash, deltaLeaf)) != digest) revert NotTheRevealedDelta(digest);
    }

    function _open(bytes32 key) private view returns (Challenge memory c) {
        c = _challenges[key];
        if (c.challenger == address(0)) revert NoOpenChallenge();
    }

    /// @dev The block of `commitment`, which must be earlier than this one: opened in its own
    /// block, a challenge or proof could be copied there by a commitment as old.
    function _committedBefore(bytes32 commitment) private view returns (uint256 committedAt) {
        committedAt = commitments[commitment];
        if (committedAt == 0) revert NotCommitted(commitment);
        if (committedAt >= block.number) revert CommittedInThisBlock(commitment);
    }

    /// @dev Who revealed the result; zero when it was slashed since, so a dismissed bond is all burnt.
    function _providerOf(IConsensusVerifier.ResultRef calldata ref) private view returns (address) {
        try verifier.slashableResult(ref) returns (address provider) {
            return provider;
        } catch {
            return address(0);
        }
    }
}
