// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Vm} from "forge-std/Vm.sol";
import {IConsensusVerifier} from "../src/interfaces/IConsensusVerifier.sol";
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
        taskId = _startTaskAllDrawn(_params(), 3, 2);
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

    /// The version of `round` over its accepted results (the verifier computes the same root).
    function _roundProposal(uint256 round, uint256 parent) internal view returns (IModelRegistry.Proposal memory p) {
        p.taskId = 1;
        p.round = round;
        p.parent = parent;
        p.data = _data(round + 1);
        p.data.deltaRoot = _deltaRoot(_acceptedResults(1, round));
    }

    function _one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _two(address a, address b) internal pure returns (address[] memory list) {
        list = new address[](2);
        list[0] = a;
        list[1] = b;
    }

    /// Decides round 0 and proposes its version signed by p0 alone.
    function _proposeRound0() internal returns (uint256 versionId) {
        _runRound(taskId, 0, 2);
        versionId = _proposeSigned(_roundProposal(0, genesis), p0, _one(p0));
    }

    /// `caller` proposes `p` with exactly these signers and signatures, expecting `err`.
    function _expectProposeRevert(
        IModelRegistry.Proposal memory p,
        address caller,
        address[] memory signers,
        bytes[] memory signatures,
        bytes memory err
    ) internal {
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(p.taskId, p.round);
        vm.expectRevert(err);
        vm.prank(caller);
        registry.propose(p, signers, signatures, results);
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
        assertEq(version.contentHash, keccak256(abi.encode(_data(7))));
        assertEq(version.contentHash, registry.contentHashOf(_data(7)));
        registry.requireVersionData(v, _data(7));
    }

    /// The content goes out in the event, whole: readers take it from there and check the hash.
    function test_createModel_emitsTheContentItStoresAsAHash() public {
        IModelRegistry.VersionData memory d = _data(7);
        uint256 next = registry.versionCount() + 1;
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionRegistered(
            next,
            registry.modelCount() + 1,
            0,
            0,
            IModelRegistry.VersionStatus.Final,
            d.modelCid,
            d.commitHash,
            d.deltaRoot,
            d.dataHash,
            d.accuracyBps,
            d.loss
        );
        registry.createModel(d);
    }

    /// The content hash is docs/protocol.md's vector `version-content-hash` (what clients compute).
    function test_contentHashOf_matchesTheProtocolVector() public view {
        IModelRegistry.VersionData memory d = IModelRegistry.VersionData({
            modelCid: hex"01711220671c7cf6cad3762561728f2d7a968a131fe43d2e4ccbe7f2f9e9c0f3d3000709",
            commitHash: 0x5fe7f977e71dba2ea1a68e21057beebb9be2ac30c6410aa38d4f3fbe41dcffd2,
            deltaRoot: 0xf2ee15ea639b73fa3db9b34a245bdfa015c260c598b211bf05a1ecc4b3e3b4f2,
            dataHash: 0x69c322e3248a5dfc29d73c5b0553b0185a35cd5bb6386747517ef7e53b15e287,
            accuracyBps: 9123,
            loss: 312_500
        });
        assertEq(registry.contentHashOf(d), 0x7e8cc802130186221bd61907a00b1ec8730fe507fd12742fe1da81e81a9429d3);
    }

    /// The hash covers every field: changing any one of them is refused.
    function test_attack_requireVersionData_refusesAnyForgedField() public {
        (, uint256 v) = registry.createModel(_data(7));
        IModelRegistry.VersionData[] memory forged = new IModelRegistry.VersionData[](6);
        for (uint256 i = 0; i < 6; ++i) {
            forged[i] = _data(7);
        }
        forged[0].modelCid = _data(8).modelCid;
        forged[1].commitHash = _data(8).commitHash;
        forged[2].deltaRoot = _data(8).deltaRoot;
        forged[3].dataHash = _data(8).dataHash;
        forged[4].accuracyBps = 10_000;
        forged[5].loss = 1;
        bytes32 stored = registry.getVersion(v).contentHash;
        for (uint256 i = 0; i < 6; ++i) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IModelRegistry.VersionDataMismatch.selector, v, stored, keccak256(abi.encode(forged[i]))
                )
            );
            registry.requireVersionData(v, forged[i]);
        }
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownVersion.selector, 99));
        registry.requireVersionData(99, _data(7));
    }

    /// A proposal writes four fresh slots for its version, whatever its CID's length, and one for the
    /// aggregator's signature while the version gathers more: the content is stored as one hash.
    function test_propose_storesTheVersionInFourFreshSlots() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        p.data.modelCid = new bytes(300);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _one(p0));
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(p.taskId, p.round);
        vm.startStateDiffRecording();
        vm.prank(p0);
        registry.propose(p, signers, signatures, results);
        Vm.AccountAccess[] memory accesses = vm.stopAndReturnStateDiff();
        bytes32[] memory fresh = new bytes32[](64);
        uint256 n;
        for (uint256 i = 0; i < accesses.length; ++i) {
            for (uint256 j = 0; j < accesses[i].storageAccesses.length; ++j) {
                Vm.StorageAccess memory a = accesses[i].storageAccesses[j];
                if (a.account != address(registry) || !a.isWrite || a.previousValue != 0 || a.newValue == 0) continue;
                bool seen;
                for (uint256 k = 0; k < n; ++k) {
                    if (fresh[k] == a.slot) seen = true;
                }
                if (!seen) fresh[n++] = a.slot;
            }
        }
        // the aggregator's first proposal in the task also writes its `proposedRound` fresh
        assertEq(n, 6, "four version slots, confirmedBy and proposedRound");
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
        registry.registerTaskModel(stranger, 1, hex"01", bytes32(0), bytes32(0), 0, _data(0));
    }

    function test_registerTaskModel_continuesFromParentVersion() public {
        (, uint256 root) = _ownModel();
        ITaskManager.TaskParams memory p = _params();
        p.initialModelCid = _data(8).modelCid;
        p.initialCommitHash = _data(8).commitHash;
        p.parentVersion = uint64(root);
        p.parentData = _data(8);
        uint256 next = _createTask(p);
        uint256 start = registry.getModel(tm.getTask(next).modelId).head;
        IModelRegistry.Version memory v = registry.getVersion(start);
        assertEq(v.parent, root);
        IModelRegistry.VersionData memory genesisData =
            IModelRegistry.VersionData(p.initialModelCid, p.initialCommitHash, bytes32(0), p.initialDataHash, 0, 0);
        registry.requireVersionData(start, genesisData);
        assertEq(uint8(v.status), uint8(IModelRegistry.VersionStatus.Final));
    }

    /// A parent's content that is not the one it was registered with is refused, even when its model
    /// CID and commit hash are the task's: the check would otherwise compare against a claim.
    function test_attack_registerTaskModel_revertsWhenParentDataForged() public {
        (, uint256 root) = _ownModel();
        (, uint256 other) = registry.createModel(_data(9));
        ITaskManager.TaskParams memory p = _params();
        // the task starts from model 9, and claims root (model 8) as its parent with model 9's content
        p.initialModelCid = _data(9).modelCid;
        p.initialCommitHash = _data(9).commitHash;
        p.parentVersion = uint64(root);
        p.parentData = _data(9);
        bytes32 stored = registry.getVersion(root).contentHash;
        _expectCreateReverts(
            p,
            abi.encodeWithSelector(
                IModelRegistry.VersionDataMismatch.selector, root, stored, keccak256(abi.encode(_data(9)))
            )
        );
        // the same content is accepted for the version it belongs to
        p.parentVersion = uint64(other);
        _createTask(p);
    }

    function test_registerTaskModel_revertsWhenParentIsAnotherModel() public {
        (, uint256 root) = _ownModel();
        ITaskManager.TaskParams memory p = _params();
        p.parentVersion = uint64(root);
        p.parentData = _data(8);
        // the fixture's own initial model, not the parent's: the lineage would be a lie
        _expectCreateReverts(p, abi.encodeWithSelector(IModelRegistry.NotParentModel.selector, root));
        p.initialModelCid = _data(8).modelCid;
        _expectCreateReverts(p, abi.encodeWithSelector(IModelRegistry.NotParentModel.selector, root));
        p.initialCommitHash = _data(8).commitHash;
        p.initialModelCid = _data(9).modelCid;
        _expectCreateReverts(p, abi.encodeWithSelector(IModelRegistry.NotParentModel.selector, root));
    }

    function test_registerTaskModel_revertsWhenParentUnknownOrNotFinal() public {
        ITaskManager.TaskParams memory p = _params();
        p.parentVersion = 99;
        _expectCreateReverts(p, abi.encodeWithSelector(IModelRegistry.UnknownVersion.selector, 99));
        uint256 proposed = _proposeRound0();
        p.parentVersion = uint64(proposed);
        p.parentData = _proposalOf(proposed).data;
        p.initialModelCid = _data(1).modelCid;
        p.initialCommitHash = _data(1).commitHash;
        _expectCreateReverts(p, abi.encodeWithSelector(IModelRegistry.VersionNotFinal.selector, proposed));
    }

    function _expectCreateReverts(ITaskManager.TaskParams memory p, bytes memory reason) internal {
        _fund(creator, tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication));
        vm.startPrank(creator);
        token.approve(address(distributor), type(uint256).max);
        vm.expectRevert(reason);
        tm.createTask(p);
        vm.stopPrank();
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

    function test_propose_recordsProposalSignedByTheCaller() public {
        uint256 v = _proposeRound0();
        IModelRegistry.Version memory version = registry.getVersion(v);
        assertEq(uint8(version.status), uint8(IModelRegistry.VersionStatus.Proposed));
        assertEq(version.aggregator, p0);
        assertEq(version.parent, genesis);
        assertEq(version.signers, 1);
        assertEq(version.challengeDeadline, block.timestamp + 100);
        assertTrue(registry.confirmedBy(v, p0));
    }

    /// The digest matches EIP-712 computed by hand (what viem's signTypedData produces).
    function test_versionDigest_matchesManualEip712() public view {
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        bytes32 domain = keccak256(
            abi.encode(
                keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak256("MLBridge ModelRegistry"),
                keccak256("1"),
                block.chainid,
                address(registry)
            )
        );
        assertEq(registry.domainSeparator(), domain);
        assertEq(registry.versionDigest(p), keccak256(abi.encodePacked("\x19\x01", domain, _structHash(p))));
    }

    function _structHash(IModelRegistry.Proposal memory p) internal view returns (bytes32) {
        return keccak256(
            bytes.concat(
                abi.encode(registry.VERSION_TYPEHASH(), p.taskId, p.round, p.parent, keccak256(p.data.modelCid)),
                abi.encode(p.data.commitHash, p.data.deltaRoot, p.data.dataHash, p.data.accuracyBps, p.data.loss)
            )
        );
    }

    function test_propose_finalizesInOneTransactionWithAMajority() public {
        _runRound(taskId, 0, 2);
        address[] memory winners = _roundWinners(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, winners);
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionFinalized(registry.versionCount() + 1, modelId);
        uint256 v = _submit(winners[0], p, signers, signatures);
        IModelRegistry.Version memory version = registry.getVersion(v);
        assertEq(uint8(version.status), uint8(IModelRegistry.VersionStatus.Final));
        assertEq(version.signers, winners.length);
        assertEq(version.aggregator, winners[0]);
        assertEq(registry.getModel(modelId).head, v);
        (uint64 start, uint64 startBlock, uint64 roundFinal) = verifier.roundStarts(taskId, 0);
        assertEq(roundFinal, v);
        // kept beside the round's start, which it leaves as it was
        assertGt(startBlock, 0);
        assertGt(start, 0);
        // The round ends with its final version, in the same transaction: no `advance` to send.
        assertEq(tm.getTask(taskId).currentRound, 1);
    }

    function test_propose_revertsWhenRoundNotDecided() public {
        _expectProposeRevert(
            _roundProposal(0, genesis),
            p0,
            new address[](0),
            new bytes[](0),
            abi.encodeWithSelector(IModelRegistry.RoundNotReady.selector, 1, 0)
        );
    }

    function test_propose_revertsOnceTheRoundEndedWithItsVersion() public {
        uint256 v = _proposeRound0();
        _confirmVersion(v, p1);
        IModelRegistry.Proposal memory p = _roundProposal(0, v);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _one(p0));
        // The round ended with its version, so a second proposal for it is for a round that is over.
        _expectProposeRevert(
            p, p0, signers, signatures, abi.encodeWithSelector(IModelRegistry.RoundNotReady.selector, 1, 0)
        );
    }

    function test_propose_revertsWhenParentStale() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, 0);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _one(p0));
        _expectProposeRevert(
            p, p0, signers, signatures, abi.encodeWithSelector(IModelRegistry.StaleParent.selector, 0, genesis)
        );
    }

    function test_attack_propose_revertsWhenASignerIsNotAWinner() public {
        _runRound(taskId, 0, 2);
        address outsider = _provider(9); // never joined the task
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _two(p0, outsider));
        _expectProposeRevert(
            p, p0, signers, signatures, abi.encodeWithSelector(IModelRegistry.NotRoundWinner.selector, 1, 0, outsider)
        );
    }

    function test_attack_propose_revertsWhenSignersUnsortedOrRepeated() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _two(p0, p1));
        (address lo, address hi) = (signers[0], signers[1]);
        (bytes memory loSig, bytes memory hiSig) = (signatures[0], signatures[1]);
        signers[0] = hi;
        signers[1] = lo;
        signatures[0] = hiSig;
        signatures[1] = loSig;
        _expectProposeRevert(
            p, p0, signers, signatures, abi.encodeWithSelector(IModelRegistry.SignersNotAscending.selector, hi, lo)
        );
        // The same signer twice would count twice: refused the same way.
        signers[0] = lo;
        signers[1] = lo;
        signatures[0] = loSig;
        signatures[1] = loSig;
        _expectProposeRevert(
            p, lo, signers, signatures, abi.encodeWithSelector(IModelRegistry.SignersNotAscending.selector, lo, lo)
        );
    }

    function test_propose_revertsWhenCountsDifferOrNoSigner() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        _expectProposeRevert(
            p,
            p0,
            _one(p0),
            new bytes[](0),
            abi.encodeWithSelector(IModelRegistry.SignatureCountMismatch.selector, 1, 0)
        );
        _expectProposeRevert(
            p, p0, new address[](0), new bytes[](0), abi.encodeWithSelector(IModelRegistry.NoSigners.selector)
        );
    }

    function test_attack_propose_revertsWhenTheCallerDidNotSign() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _two(p0, p1));
        // Anyone holding winners' signatures could otherwise pose as the aggregator.
        _expectProposeRevert(
            p, stranger, signers, signatures, abi.encodeWithSelector(IModelRegistry.CallerNotSigner.selector, stranger)
        );
        _expectProposeRevert(
            p, p2, signers, signatures, abi.encodeWithSelector(IModelRegistry.CallerNotSigner.selector, p2)
        );
    }

    /// A signature over any other content, round, parent, chain or contract does not count.
    function test_attack_propose_revertsWhenASignatureIsOverOtherContent() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        IModelRegistry.Proposal[] memory others = new IModelRegistry.Proposal[](4);
        for (uint256 i = 0; i < others.length; ++i) {
            others[i] = _roundProposal(0, genesis);
        }
        others[0].round = 1;
        others[1].parent = genesis + 1;
        others[2].data.commitHash = keccak256("other weights");
        others[3].data.loss = p.data.loss + 1;
        bytes memory err = abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, p0);
        for (uint256 i = 0; i < others.length; ++i) {
            bytes[] memory signatures = new bytes[](1);
            signatures[0] = _signVersion(others[i], p0);
            _expectProposeRevert(p, p0, _one(p0), signatures, err);
        }
        bytes32 typeHash =
            keccak256("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)");
        bytes32[] memory domains = new bytes32[](2);
        domains[0] = keccak256(
            abi.encode(typeHash, keccak256("MLBridge ModelRegistry"), keccak256("1"), block.chainid + 1, registry)
        );
        domains[1] = keccak256(
            abi.encode(typeHash, keccak256("MLBridge ModelRegistry"), keccak256("1"), block.chainid, address(tm))
        );
        for (uint256 i = 0; i < domains.length; ++i) {
            bytes32 digest = keccak256(abi.encodePacked("\x19\x01", domains[i], _structHash(p)));
            (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[p0], digest);
            bytes[] memory signatures = new bytes[](1);
            signatures[0] = abi.encodePacked(r, s, v);
            _expectProposeRevert(p, p0, _one(p0), signatures, err);
        }
    }

    /// No nonce: a round's signature is tied to its round and parent, and a final round takes no more.
    function test_attack_signatureCannotBeReplayedInTheNextRoundOrAfterFinal() public {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _two(p0, p1));
        uint256 v = _submit(p0, p, signers, signatures);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Final));
        // The same batch again: the round ended with its version.
        _expectProposeRevert(
            p, p0, signers, signatures, abi.encodeWithSelector(IModelRegistry.RoundNotReady.selector, 1, 0)
        );
        // p2's signature of the final version counts for nothing either.
        bytes[] memory late = new bytes[](1);
        late[0] = _signVersion(p, p2);
        vm.expectRevert(
            abi.encodeWithSelector(IModelRegistry.InvalidVersionStatus.selector, v, IModelRegistry.VersionStatus.Final)
        );
        registry.confirm(v, p.data, _one(p2), late);

        _drawNextRound();
        _runRound(taskId, 1, 2);
        // Round 0's proposal is for a round that is over.
        _expectProposeRevert(
            p, p0, signers, signatures, abi.encodeWithSelector(IModelRegistry.RoundNotReady.selector, 1, 0)
        );
        // Its signatures moved to round 1 on the new head recover to someone else.
        IModelRegistry.Proposal memory next = p;
        next.round = 1;
        next.parent = v;
        _expectProposeRevert(
            next,
            signers[0],
            signers,
            signatures,
            abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, signers[0])
        );
    }

    // ---------------------------------------------------------------- confirm

    function test_confirm_addsLateSignaturesAndFinalizes() public {
        uint256 v = _proposeRound0();
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionConfirmed(v, p1, 2, _signVersion(_proposalOf(v), p1));
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionFinalized(v, modelId);
        vm.prank(stranger); // anyone may submit winners' signatures
        registry.confirm(v, _proposalOf(v).data, _one(p1), _sigs(v, _one(p1)));
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Final));
        assertEq(registry.getVersion(v).signers, 2);
        assertEq(registry.getModel(modelId).head, v);
        assertTrue(registry.confirmedBy(v, p1));
    }

    function _sigs(uint256 v, address[] memory signers) internal view returns (bytes[] memory signatures) {
        signatures = new bytes[](signers.length);
        for (uint256 i = 0; i < signers.length; ++i) {
            signatures[i] = _signVersion(_proposalOf(v), signers[i]);
        }
    }

    function test_confirm_revertsWhenNotProposed() public {
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.UnknownVersion.selector, 99));
        registry.confirm(99, _data(0), _one(p1), new bytes[](1));
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.InvalidVersionStatus.selector, genesis, IModelRegistry.VersionStatus.Final
            )
        );
        registry.confirm(genesis, _data(0), _one(p1), new bytes[](1));
    }

    /// The aggregator's own signature is counted once, with its proposal.
    function test_confirm_revertsWhenTheAggregatorSignsAgain() public {
        uint256 v = _proposeRound0();
        bytes[] memory signatures = _sigs(v, _one(p0));
        IModelRegistry.VersionData memory data = _proposalOf(v).data;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyConfirmed.selector, p0));
        registry.confirm(v, data, _one(p0), signatures);
    }

    function test_attack_confirm_revertsWhenNotAWinner() public {
        uint256 v = _proposeRound0();
        address outsider = _provider(9); // never joined the task
        bytes[] memory signatures = _sigs(v, _one(outsider));
        IModelRegistry.VersionData memory data = _proposalOf(v).data;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotRoundWinner.selector, 1, 0, outsider));
        registry.confirm(v, data, _one(outsider), signatures);
    }

    function test_confirm_revertsWhenAlreadyConfirmed() public {
        ITaskManager.TaskParams memory params = _params();
        params.confirmations = 2;
        uint256 id = _startTaskAllDrawn(params, 3, 2);
        _runRound(id, 0, 2);
        uint256 v = _proposeVersion(id, 0, registry.getModel(tm.getTask(id).modelId).head, p0, keccak256("v"));
        assertEq(registry.getVersion(v).requiredSigners, 3);
        _confirmVersion(v, p1);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Proposed));
        bytes[] memory again = _sigs(v, _one(p1));
        IModelRegistry.VersionData memory data = _proposalOf(v).data;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyConfirmed.selector, p1));
        registry.confirm(v, data, _one(p1), again);
        _confirmVersion(v, p2);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Final));
    }

    function test_attack_confirm_revertsWhenTheSignatureIsNotTheSigners() public {
        uint256 v = _proposeRound0();
        bytes[] memory signatures = _sigs(v, _one(p2)); // p2's signature presented as p1's
        IModelRegistry.VersionData memory data = _proposalOf(v).data;
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, p1));
        registry.confirm(v, data, _one(p1), signatures);
    }

    /// Winners cannot finalize content other than the proposal's by signing it and submitting it
    /// with the proposal's id: the content given must be the one stored as a hash.
    function test_attack_confirm_revertsWhenTheContentIsNotTheProposals() public {
        uint256 v = _proposeRound0();
        IModelRegistry.Proposal memory forged = _proposalOf(v);
        forged.data.modelCid = _data(9).modelCid;
        forged.data.commitHash = _data(9).commitHash;
        (address[] memory signers, bytes[] memory signatures) = _signAll(forged, _two(p1, p2));
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.VersionDataMismatch.selector,
                v,
                registry.getVersion(v).contentHash,
                keccak256(abi.encode(forged.data))
            )
        );
        registry.confirm(v, forged.data, signers, signatures);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Proposed));
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
        registry.resolveChallenge(v, true, CLAIM);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Rejected));
        assertEq(registry.getModel(modelId).head, genesis);
    }

    function test_challenge_revertsWhenWindowClosed() public {
        uint256 v = _proposeRound0();
        uint64 deadline = registry.getVersion(v).challengeDeadline;
        bytes32 salt = _commitVersionChallenge(p2, v, "");
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeWindowClosed.selector, deadline));
        vm.prank(p2);
        registry.challenge(v, "", salt);
    }

    function test_challenge_revertsWhenNotAllowed() public {
        uint256 v = _proposeRound0();
        bytes32 salt = _commitVersionChallenge(stranger, v, "");
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAllowedToChallenge.selector, stranger));
        vm.prank(stranger);
        registry.challenge(v, "", salt);
    }

    function test_challenge_revertsWhenNotProposed() public {
        bytes32 salt = _commitVersionChallenge(creator, genesis, "");
        vm.expectRevert(
            abi.encodeWithSelector(
                IModelRegistry.InvalidVersionStatus.selector, genesis, IModelRegistry.VersionStatus.Final
            )
        );
        vm.prank(creator);
        registry.challenge(genesis, "", salt);
    }

    function test_resolveChallenge_finalizesWhenDismissed() public {
        uint256 v = _proposeRound0();
        _challengeVersion(creator, v);
        vm.prank(referee);
        registry.resolveChallenge(v, false, CLAIM);
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
        registry.resolveChallenge(v, true, CLAIM);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NoOpenChallenge.selector, v));
        vm.prank(referee);
        registry.resolveChallenge(v, true, CLAIM);
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
        IModelRegistry.Proposal memory p = _roundProposal(0, genesis);
        p.data.commitHash = keccak256("competing");
        uint256 v2 = _proposeSigned(p, p1, _one(p1));
        _confirmVersion(v1, p2);
        vm.warp(block.timestamp + 100);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundAlreadyFinal.selector, 1, 0));
        registry.finalizeVersion(v2);
    }
}

/// A round with more winners: any subset of them signs, in one proposal or in two steps.
contract ModelRegistrySignersTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;
    address[] internal winners;

    function setUp() public {
        _deploy();
        ITaskManager.TaskParams memory params = _params();
        params.shards = 4;
        taskId = _startTaskAllDrawn(params, 4, 4);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
        _runRound(taskId, 0, 4);
        winners = _roundWinners(taskId, 0, 4);
    }

    function _pick(uint256 mask, bool inside) internal view returns (address[] memory list) {
        list = new address[](winners.length);
        uint256 n;
        for (uint256 i = 0; i < winners.length; ++i) {
            if (((mask >> i) & 1 == 1) == inside) list[n++] = winners[i];
        }
        assembly ("memory-safe") {
            mstore(list, n)
        }
    }

    /// Final at once exactly when the signers are a strict majority; the others' signatures,
    /// added later, always finalize it.
    function testFuzz_propose_finalIffAStrictMajoritySigned(uint256 mask, uint256 who) public {
        uint256 w = winners.length;
        mask = bound(mask, 1, (1 << w) - 1);
        address aggregator = winners[bound(who, 0, w - 1)];
        address[] memory signers = _pick(mask, true);
        IModelRegistry.Proposal memory p = _proposal(taskId, 0, genesis, keccak256("version"));
        (address[] memory sorted, bytes[] memory signatures) = _signAll(p, signers);
        bool signed = (mask >> bound(who, 0, w - 1)) & 1 == 1;
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 0);
        if (!signed) vm.expectRevert(abi.encodeWithSelector(IModelRegistry.CallerNotSigner.selector, aggregator));
        vm.prank(aggregator);
        uint256 v = registry.propose(p, sorted, signatures, results);
        if (!signed) return;
        bool majority = signers.length * 2 > w;
        assertEq(registry.getVersion(v).status == IModelRegistry.VersionStatus.Final, majority);
        assertEq(registry.getModel(modelId).head, majority ? v : genesis);
        if (majority) return;
        (sorted, signatures) = _signAll(p, _pick(mask, false));
        registry.confirm(v, p.data, sorted, signatures);
        assertEq(registry.getVersion(v).signers, w);
        assertEq(registry.getModel(modelId).head, v);
    }

    /// Gas of a round's version with four winners: one proposal carrying three signatures (the
    /// majority), against the fallback of a lone proposal and late signatures one by one.
    function test_gas_versionOfFourWinners() public {
        assertEq(winners.length, 4);
        IModelRegistry.Proposal memory p = _proposal(taskId, 0, genesis, keccak256("version"));
        address[] memory three = new address[](3);
        for (uint256 i = 0; i < 3; ++i) {
            three[i] = winners[i];
        }
        (address[] memory sorted, bytes[] memory signatures) = _signAll(p, three);
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 0);
        uint256 snapshot = vm.snapshotState();
        vm.prank(winners[0]);
        uint256 g = gasleft();
        uint256 v = registry.propose(p, sorted, signatures, results);
        emit log_named_uint("batched propose (3 of 4 signers, final)", g - gasleft());
        assertEq(registry.getModel(modelId).head, v);

        vm.revertToState(snapshot);
        (sorted, signatures) = _signAll(p, _oneOf(winners[0]));
        vm.prank(winners[0]);
        g = gasleft();
        v = registry.propose(p, sorted, signatures, results);
        uint256 total = g - gasleft();
        emit log_named_uint("lone propose", total);
        for (uint256 i = 1; i < 3; ++i) {
            (sorted, signatures) = _signAll(p, _oneOf(winners[i]));
            g = gasleft();
            registry.confirm(v, p.data, sorted, signatures);
            total += g - gasleft();
            emit log_named_uint("confirm", g - gasleft());
        }
        emit log_named_uint("lone propose + 2 confirms", total);
        assertEq(registry.getModel(modelId).head, v);
    }

    function _oneOf(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }
}
