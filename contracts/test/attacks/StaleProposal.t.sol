// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 3, stale proposals: a version proposed for a round that then moved on (another
/// version of it became final, or its aggregation window ran out) still became the head once its
/// challenge window passed, over the round the task is running now. A proposal now expires when
/// its round does (and a round waits for a proposal that may still become final: `holdRound`).
contract StaleProposalTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
    }

    /// Round 0 is decided and a winner proposes its version; nobody confirms it.
    function _proposeRound0() internal returns (uint256 versionId) {
        _runRound(taskId, 0, 2);
        versionId = _proposeVersion(taskId, 0, genesis, _roundWinners(taskId, 0, 2)[0], keccak256("stale version"));
    }

    function test_finalizeVersion_revertsWhenItsRoundMovedOn() public {
        uint256 stale = _proposeRound0();
        // Another winner's version of round 0 gathers a majority: the task moves to round 1.
        address[] memory winners = _roundWinners(taskId, 0, 2);
        uint256 final_ =
            _proposeSigned(_proposal(taskId, 0, genesis, keccak256("the round's version")), winners[1], winners);
        assertEq(tm.getTask(taskId).currentRound, 1);
        // Later, the old proposal's challenge window passes.
        vm.warp(registry.getVersion(stale).challengeDeadline);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.RoundAlreadyFinal.selector, taskId, 0));
        registry.finalizeVersion(stale);
        assertEq(registry.getModel(modelId).head, final_);
    }

    function test_finalizeVersion_stillWorksWhileItsRoundIsCurrent() public {
        uint256 v = _proposeRound0();
        vm.warp(registry.getVersion(v).challengeDeadline);
        registry.finalizeVersion(v);
        assertEq(registry.getModel(modelId).head, v);
    }
}
