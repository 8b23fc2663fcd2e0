// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 3, stale proposals: a version proposed for a round that then moved on (its
/// aggregation window ran out) still became the head once its challenge window passed, over the
/// round the task is running now. A proposal now expires when its round does.
contract StaleProposalTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;
    address internal p0;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        p0 = _provider(0);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
    }

    /// Round 0 is decided and p0 proposes its version; nobody confirms it.
    function _proposeRound0() internal returns (uint256 versionId) {
        _runRound(taskId, 0, 2);
        IModelRegistry.Proposal memory p;
        p.taskId = taskId;
        p.round = 0;
        p.parent = genesis;
        p.data.modelCid = hex"01551220dd";
        p.data.commitHash = keccak256("stale version");
        uint256 deadline = block.timestamp + 1 hours;
        bytes32 digest = registry.proposeDigest(p, p0, registry.nonces(p0), deadline);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(keyOf[p0], digest);
        versionId = registry.propose(p, p0, deadline, abi.encodePacked(r, s, v));
    }

    function test_finalizeVersion_revertsWhenItsRoundMovedOn() public {
        uint256 stale = _proposeRound0();
        // The aggregation window runs out without a final version: the task moves to round 1.
        ITaskManager.Task memory t = tm.getTask(taskId);
        vm.warp(block.timestamp + t.aggregateWindow + 1);
        _advance(taskId);
        assertEq(tm.getTask(taskId).currentRound, 1);
        // Later, the old proposal's challenge window passes.
        vm.warp(registry.getVersion(stale).challengeDeadline);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ProposalExpired.selector, stale, 0, 1));
        registry.finalizeVersion(stale);
        assertEq(registry.getModel(modelId).head, genesis);
    }

    function test_finalizeVersion_stillWorksWhileItsRoundIsCurrent() public {
        uint256 v = _proposeRound0();
        vm.warp(registry.getVersion(v).challengeDeadline);
        registry.finalizeVersion(v);
        assertEq(registry.getModel(modelId).head, v);
    }
}
