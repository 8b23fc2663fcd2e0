// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A quiet window cut short: a version proposed without a majority of the winners' signatures
/// (the others offline, as volunteers often are) becomes final when its challenge window closes
/// unchallenged. But anyone could end its round without a version as soon as the aggregation window
/// ran out, which with the defaults (both windows 600 s) always came first: the proposal expired,
/// and three such rounds in a row ended the task. Now the round waits for a pending proposal's
/// challenge window, at most a challenge window past the aggregation window.
contract QuietWindowCutShortTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;
    uint256 internal proposal;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
        _runRound(taskId, 0, 2);
        // The aggregator proposes a little after the decision; nobody else is there to sign.
        vm.warp(block.timestamp + 10);
        proposal = _proposeVersion(taskId, 0, genesis, _roundWinners(taskId, 0, 2)[0], keccak256("round 0"));
    }

    function test_attack_anyoneEndingTheRoundNoLongerKillsAPendingVersion() public {
        (,, uint64 decidedAt) = verifier.roundProgress(taskId);
        uint64 deadline = registry.getVersion(proposal).challengeDeadline;
        vm.warp(decidedAt + tm.getTask(taskId).aggregateWindow);
        assertLt(block.timestamp, deadline, "the aggregation window ends first");
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.AggregationPending.selector, taskId, deadline));
        vm.prank(stranger);
        tm.advance(taskId);
        // Whoever calls first once the window closed, the round ends with the version.
        vm.warp(deadline + 12);
        vm.prank(stranger);
        tm.advance(taskId);
        assertEq(uint8(registry.getVersion(proposal).status), uint8(IModelRegistry.VersionStatus.Final));
        assertEq(registry.getModel(modelId).head, proposal);
        assertEq(tm.getTask(taskId).currentRound, 1);
    }

    /// A second proposal, challenged late, holds the round past the first one's quiet window: the
    /// round's end still makes the first final, whichever version set the last hold.
    function test_attack_aLaterHoldDoesNotCostAnEarlierVersionItsRound() public {
        address[] memory winners = _roundWinners(taskId, 0, 2);
        vm.warp(block.timestamp + 1);
        uint256 other = _proposeVersion(taskId, 0, genesis, winners[1], keccak256("another version"));
        vm.warp(block.timestamp + 1);
        _challengeVersion(winners[0], other);
        (,, uint64 resolveBy,,) = registry.challenges(other);
        assertGt(resolveBy, registry.getVersion(proposal).challengeDeadline);
        vm.warp(resolveBy);
        vm.prank(stranger);
        tm.advance(taskId);
        assertEq(registry.getModel(modelId).head, proposal, "the first proposal, unchallenged, is final");
        assertEq(tm.getTask(taskId).currentRound, 1);
    }

    /// A challenge just before the quiet window closes holds the round until the referee rules: a
    /// version it dismisses becomes final, rather than find its round ended meanwhile.
    function test_attack_aLateChallengeNoLongerOutlastsTheRound() public {
        uint64 deadline = registry.getVersion(proposal).challengeDeadline;
        vm.warp(deadline - 1);
        _challengeVersion(_roundWinners(taskId, 0, 2)[1], proposal);
        (,, uint64 resolveBy,,) = registry.challenges(proposal);
        vm.warp(deadline + 1);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.AggregationPending.selector, taskId, resolveBy));
        vm.prank(stranger);
        tm.advance(taskId);
        vm.prank(referee);
        registry.resolveChallenge(proposal, false, bytes32(0));
        assertEq(registry.getModel(modelId).head, proposal);
        assertEq(tm.getTask(taskId).currentRound, 1);
    }
}
