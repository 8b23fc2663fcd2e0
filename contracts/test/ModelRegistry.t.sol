// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {ITaskManager} from "../src/interfaces/ITaskManager.sol";
import {ModelRegistry} from "../src/ModelRegistry.sol";
import {TaskManager} from "../src/TaskManager.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {IModelRegistry} from "src/interfaces/IModelRegistry.sol";

contract ModelRegistryTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;
    address internal p0;
    address internal p1;
    address internal p2;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        p0 = _provider(0);
        p1 = _provider(1);
        p2 = _provider(2);
        ITaskManager.Task memory t = tm.getTask(taskId);
        modelId = t.modelId;
        genesis = registry.getModel(modelId).head;
    }

    /// A model of the creator's own, outside any task (a running task's model head is locked).
    function _ownModel() internal returns (uint256 ownModel, uint256 ownRoot) {
        vm.prank(creator);
        (ownModel, ownRoot) = registry.createModel(_data(8));
    }

    function _data(uint256 i) internal pure returns (IModelRegistry.VersionData memory d) {
        d.modelCid = abi.encodePacked(hex"01551220", keccak256(abi.encode("model", i)));
        d.commitHash = keccak256(abi.encode("weights", i));
        d.deltaRoot = keccak256(abi.encode("deltas", i));
        d.dataHash = keccak256(abi.encode("data", i));
        d.accuracyBps = uint32(9000 + i);
        d.loss = uint64(250_000 - i);
    }

    function _proposal(uint256 round, uint256 parent) internal pure returns (IModelRegistry.Proposal memory p) {
        p.taskId = 1;
        p.round = round;
        p.parent = parent;
        p.data = _data(round + 1);
    }

    function _signPropose(IModelRegistry.Proposal memory p, address signer, uint256 deadline)
        internal
        view
        returns (bytes memory)
    {
        bytes32 digest = registry.proposeDigest(p, signer, registry.nonces(signer), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], digest);
        return abi.encodePacked(r, s, v);
    }

    function _signConfirm(uint256 versionId, address signer, uint256 deadline) internal view returns (bytes memory) {
        bytes32 commitHash = registry.getVersion(versionId).commitHash;
        bytes32 digest = registry.confirmDigest(versionId, commitHash, signer, registry.nonces(signer), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[signer], digest);
        return abi.encodePacked(r, s, v);
    }

    /// Decides round 0 and proposes its version signed by p0.
    function _proposeRound0() internal returns (uint256 versionId) {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        uint256 deadline = block.timestamp + 1 hours;
        versionId = registry.propose(p, p0, deadline, _signPropose(p, p0, deadline));
    }

    // ---------------------------------------------------------------- constructor, setTaskManager

    function test_constructor_revertsWhenZeroAdmin() public {
        vm.expectRevert(IModelRegistry.ZeroAddress.selector);
        new ModelRegistry(address(0));
    }

    function test_setTaskManager_revertsWhenAlreadySet() public {
        vm.expectRevert(IModelRegistry.TaskManagerAlreadySet.selector);
        vm.prank(admin);
        registry.setTaskManager(tm);
    }

    function test_setTaskManager_revertsWhenZeroOrNotAdmin() public {
        ModelRegistry fresh = new ModelRegistry(admin);
        vm.expectRevert(IModelRegistry.ZeroAddress.selector);
        vm.prank(admin);
        fresh.setTaskManager(ITaskManager(address(0)));
        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, bytes32(0))
        );
        vm.prank(stranger);
        fresh.setTaskManager(tm);
    }

    // ---------------------------------------------------------------- createModel, registerTaskModel

    function test_createModel_registersFinalGenesis() public {
        vm.prank(stranger);
        (uint256 id, uint256 v) = registry.createModel(_data(7));
        IModelRegistry.Version memory version = registry.getVersion(v);
        assertEq(registry.getModel(id).owner, stranger);
        assertEq(registry.getModel(id).head, v);
        assertEq(uint8(version.status), uint8(IModelRegistry.VersionStatus.Final));
        assertEq(version.parent, 0);
        assertEq(version.commitHash, _data(7).commitHash);
        assertEq(version.modelCid, _data(7).modelCid);
        assertEq(version.accuracyBps, 9007);
    }

    function test_createModel_revertsWhenCidEmpty() public {
        IModelRegistry.VersionData memory d = _data(1);
        d.modelCid = "";
        vm.expectRevert(IModelRegistry.EmptyModelCid.selector);
        registry.createModel(d);
    }

    function test_registerTaskModel_revertsWhenNotTaskManager() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, registry.TASK_MANAGER_ROLE()
            )
        );
        vm.prank(stranger);
        registry.registerTaskModel(stranger, 1, hex"01", bytes32(0), bytes32(0));
    }

    // ---------------------------------------------------------------- fork, merge, rollback

    function test_fork_startsNewModelAtVersion() public {
        vm.prank(stranger);
        uint256 forked = registry.fork(genesis);
        assertEq(registry.getModel(forked).owner, stranger);
        assertEq(registry.getModel(forked).head, genesis);
    }

    function test_fork_revertsWhenUnknownOrNotFinal() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownVersion.selector, 99));
        registry.fork(99);
        uint256 proposed = _proposeRound0();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.VersionNotFinal.selector, proposed));
        registry.fork(proposed);
    }

    function test_merge_addsTwoParentVersion() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        (, uint256 other) = registry.createModel(_data(9));
        vm.prank(creator);
        uint256 merged = registry.merge(ownModel, other, _data(10));
        IModelRegistry.Version memory v = registry.getVersion(merged);
        assertEq(v.parent, ownRoot);
        assertEq(v.mergeParent, other);
        assertEq(registry.getModel(ownModel).head, merged);
    }

    function test_merge_revertsWhenNotOwner() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotModelOwner.selector, ownModel, stranger));
        vm.prank(stranger);
        registry.merge(ownModel, ownRoot, _data(10));
    }

    function test_merge_revertsWhenUnknownModel() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownModel.selector, 42));
        registry.merge(42, ownRoot, _data(10));
    }

    function test_rollback_movesHeadToAncestor() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        (, uint256 other) = registry.createModel(_data(9));
        vm.startPrank(creator);
        uint256 m1 = registry.merge(ownModel, other, _data(10));
        uint256 m2 = registry.merge(ownModel, ownRoot, _data(11));
        uint256[] memory path = new uint256[](2);
        path[0] = m1;
        path[1] = other; // through the merge parent
        vm.expectEmit(address(registry));
        emit IModelRegistry.HeadMoved(ownModel, m2, other, true);
        registry.rollback(ownModel, path);
        vm.stopPrank();
        assertEq(registry.getModel(ownModel).head, other);
    }

    function test_rollback_allowsGovernance() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        vm.prank(creator);
        uint256 m1 = registry.merge(ownModel, ownRoot, _data(10));
        m1;
        uint256[] memory path = new uint256[](1);
        path[0] = ownRoot;
        vm.prank(admin);
        registry.rollback(ownModel, path);
        assertEq(registry.getModel(ownModel).head, ownRoot);
    }

    function test_rollback_revertsWhenNotAncestor() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        (, uint256 other) = registry.createModel(_data(9));
        uint256[] memory path = new uint256[](1);
        path[0] = other;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, other));
        vm.prank(creator);
        registry.rollback(ownModel, path);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAnAncestor.selector, ownRoot));
        vm.prank(creator);
        registry.rollback(ownModel, new uint256[](0));
    }

    function test_rollback_revertsWhenNotOwner() public {
        (uint256 ownModel, uint256 ownRoot) = _ownModel();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotModelOwner.selector, ownModel, stranger));
        vm.prank(stranger);
        registry.rollback(ownModel, new uint256[](1));
    }

    // ---------------------------------------------------------------- propose

    function test_propose_recordsSignedProposal() public {
        uint256 v = _proposeRound0();
        IModelRegistry.Version memory version = registry.getVersion(v);
        assertEq(uint8(version.status), uint8(IModelRegistry.VersionStatus.Proposed));
        assertEq(version.aggregator, p0);
        assertEq(version.parent, genesis);
        assertEq(version.challengeDeadline, block.timestamp + 100);
        assertEq(registry.nonces(p0), 1);
    }

    /// The digest matches EIP-712 computed by hand (what viem's signTypedData produces).
    function test_proposeDigest_matchesManualEip712() public view {
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("MLBridge ModelRegistry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        bytes32 structHash = keccak256(
            bytes.concat(
                abi.encode(registry.PROPOSE_TYPEHASH(), p.taskId, p.round, p.parent, keccak256(p.data.modelCid)),
                abi.encode(
                    p.data.commitHash, p.data.deltaRoot, p.data.dataHash, p.data.accuracyBps, p.data.loss, p0, 5, 77
                )
            )
        );
        assertEq(registry.domainSeparator(), domain);
        assertEq(registry.proposeDigest(p, p0, 5, 77), keccak256(abi.encodePacked("\x19\x01", domain, structHash)));
    }

    function test_propose_revertsWhenRoundNotDecided() public {
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundNotReady.selector, 1, 0));
        registry.propose(p, p0, block.timestamp, "");
    }

    function test_propose_revertsWhenRoundAlreadyFinal() public {
        uint256 v = _proposeRound0();
        vm.prank(p1);
        registry.confirm(v, p1, block.timestamp, _signConfirm(v, p1, block.timestamp));
        IModelRegistry.Proposal memory p = _proposal(0, v);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundAlreadyFinal.selector, 1, 0));
        registry.propose(p, p0, block.timestamp, "");
    }

    function test_propose_revertsWhenParentStale() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _proposal(0, 0);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.StaleParent.selector, 0, genesis));
        registry.propose(p, p0, block.timestamp, "");
    }

    function test_propose_revertsWhenSignerNotProvider() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotRoundWinner.selector, 1, 0, stranger));
        registry.propose(p, stranger, block.timestamp, "");
    }

    function test_propose_revertsWhenExpired() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        uint256 deadline = block.timestamp - 1;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.SignatureExpired.selector, deadline));
        registry.propose(p, p0, deadline, "");
    }

    function test_propose_revertsWhenSignatureWrongOrReplayed() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        uint256 deadline = block.timestamp;
        bytes memory sig = _signPropose(p, p1, deadline); // p1 signs for p0
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, p0));
        registry.propose(p, p0, deadline, sig);
        // A signature is good once: the nonce moves on.
        sig = _signPropose(p, p0, deadline);
        registry.propose(p, p0, deadline, sig);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, p0));
        registry.propose(p, p0, deadline, sig);
    }

    // ---------------------------------------------------------------- confirm

    function test_confirm_finalizesAtThresholdAndMovesHead() public {
        uint256 v = _proposeRound0();
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionFinalized(v, modelId);
        registry.confirm(v, p1, block.timestamp, _signConfirm(v, p1, block.timestamp));
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Final));
        assertEq(registry.getModel(modelId).head, v);
        assertEq(registry.roundVersion(taskId, 0), v);
        assertTrue(registry.confirmedBy(v, p1));
        // A final version lets the task move on without waiting for the aggregation window.
        _advance(taskId);
        assertEq(tm.getTask(taskId).currentRound, 1);
    }

    function test_confirm_revertsWhenNotProposed() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownVersion.selector, 99));
        registry.confirm(99, p1, block.timestamp, "");
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.InvalidVersionStatus.selector, genesis, IModelRegistry.VersionStatus.Final
            )
        );
        registry.confirm(genesis, p1, block.timestamp, "");
    }

    function test_confirm_revertsWhenSelfConfirmation() public {
        uint256 v = _proposeRound0();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.SelfConfirmation.selector, p0));
        registry.confirm(v, p0, block.timestamp, "");
    }

    function test_confirm_revertsWhenNotProvider() public {
        uint256 v = _proposeRound0();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotRoundWinner.selector, 1, 0, stranger));
        registry.confirm(v, stranger, block.timestamp, "");
    }

    function test_confirm_revertsWhenAlreadyConfirmed() public {
        ITaskManager.TaskParams memory params = _params();
        params.confirmations = 2;
        uint256 id = _createTask(params);
        for (uint256 i = 0; i < 3; ++i) {
            _stakeAndJoin(id, _provider(i));
        }
        vm.warp(block.timestamp + params.joinWindow);
        _advance(id);
        _runRound(id, 0, 2);
        IModelRegistry.Proposal memory p = _proposal(0, registry.getModel(tm.getTask(id).modelId).head);
        p.taskId = id;
        uint256 v = registry.propose(p, p0, block.timestamp, _signPropose(p, p0, block.timestamp));
        registry.confirm(v, p1, block.timestamp, _signConfirm(v, p1, block.timestamp));
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Proposed));
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyConfirmed.selector, p1));
        registry.confirm(v, p1, block.timestamp, "");
        registry.confirm(v, p2, block.timestamp, _signConfirm(v, p2, block.timestamp));
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Final));
    }

    function test_confirm_revertsWhenExpiredOrBadSignature() public {
        uint256 v = _proposeRound0();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.SignatureExpired.selector, block.timestamp - 1));
        registry.confirm(v, p1, block.timestamp - 1, "");
        bytes memory sig = _signConfirm(v, p2, block.timestamp);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, p1));
        registry.confirm(v, p1, block.timestamp, sig);
    }

    // ---------------------------------------------------------------- challenge, resolve, finalizeVersion

    function test_challenge_blocksFinalizationUntilResolved() public {
        uint256 v = _proposeRound0();
        _challengeVersion(p2, v);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Challenged));
        vm.warp(registry.getVersion(v).challengeDeadline - 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.InvalidVersionStatus.selector, v, IModelRegistry.VersionStatus.Challenged
            )
        );
        registry.finalizeVersion(v);
        vm.prank(referee);
        registry.resolveChallenge(v, true);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Rejected));
        assertEq(registry.getModel(modelId).head, genesis);
    }

    function test_challenge_revertsWhenWindowClosed() public {
        uint256 v = _proposeRound0();
        uint64 deadline = registry.getVersion(v).challengeDeadline;
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeWindowClosed.selector, deadline));
        vm.prank(p2);
        registry.challenge(v, "");
    }

    function test_challenge_revertsWhenNotAllowed() public {
        uint256 v = _proposeRound0();
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAllowedToChallenge.selector, stranger));
        vm.prank(stranger);
        registry.challenge(v, "");
    }

    function test_challenge_revertsWhenNotProposed() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.InvalidVersionStatus.selector, genesis, IModelRegistry.VersionStatus.Final
            )
        );
        vm.prank(creator);
        registry.challenge(genesis, "");
    }

    function test_resolveChallenge_finalizesWhenDismissed() public {
        uint256 v = _proposeRound0();
        _challengeVersion(creator, v);
        vm.prank(referee);
        registry.resolveChallenge(v, false);
        assertEq(registry.getModel(modelId).head, v);
    }

    function test_resolveChallenge_revertsWhenNotRefereeOrNotChallenged() public {
        uint256 v = _proposeRound0();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, admin, registry.REFEREE_ROLE()
            )
        );
        vm.prank(admin);
        registry.resolveChallenge(v, true);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoOpenChallenge.selector, v));
        vm.prank(referee);
        registry.resolveChallenge(v, true);
    }

    function test_finalizeVersion_afterQuietWindow() public {
        uint256 v = _proposeRound0();
        uint64 deadline = registry.getVersion(v).challengeDeadline;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeWindowOpen.selector, deadline));
        registry.finalizeVersion(v);
        vm.warp(deadline);
        registry.finalizeVersion(v);
        assertEq(registry.getModel(modelId).head, v);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.InvalidVersionStatus.selector, v, IModelRegistry.VersionStatus.Final)
        );
        registry.finalizeVersion(v);
    }

    function test_finalizeVersion_revertsWhenRoundAlreadyFinal() public {
        uint256 v1 = _proposeRound0();
        IModelRegistry.Proposal memory p = _proposal(0, genesis);
        p.data.commitHash = keccak256("competing");
        uint256 deadline = block.timestamp + 1;
        uint256 v2 = registry.propose(p, p1, deadline, _signPropose(p, p1, deadline));
        registry.confirm(v1, p2, block.timestamp, _signConfirm(v1, p2, block.timestamp));
        vm.warp(block.timestamp + 100);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundAlreadyFinal.selector, 1, 0));
        registry.finalizeVersion(v2);
    }
}
