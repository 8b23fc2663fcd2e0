// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 12, unpaid work: the creator cancelled after every replica revealed and took
/// the whole escrow back; the round could no longer be finalized, so nobody was paid. A cancel of a
/// running task now takes effect when its current round ends: revealed work is decided and paid.
contract CancelAfterRevealTest is ProtocolFixture {
    function setUp() public {
        _deploy();
    }

    function test_attack_cancelAfterRevealsStillPaysTheRound() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 taskId = _startTask(p, 3);
        int32[][] memory fps = _pair(_fp(1, 16), _fp(1, 16));
        for (uint256 shard = 0; shard < 2; ++shard) {
            _commit(taskId, 0, shard, 0, fps[0]);
            _commit(taskId, 0, shard, 1, fps[1]);
        }
        for (uint256 shard = 0; shard < 2; ++shard) {
            _reveal(taskId, 0, shard, 0, fps[0]);
            _reveal(taskId, 0, shard, 1, fps[1]);
        }

        vm.prank(creator);
        tm.cancel(taskId);
        ITaskManager.Task memory t = tm.getTask(taskId);
        assertEq(uint8(t.status), uint8(ITaskManager.TaskStatus.Running));
        assertTrue(t.cancelRequested);

        assertTrue(_finalize(taskId, 0, 0, fps));
        assertTrue(_finalize(taskId, 0, 1, fps));
        address paid = _assignees(taskId, 0, 0)[0];
        assertGe(distributor.claimableOf(paid), REWARD);

        vm.warp(block.timestamp + p.aggregateWindow);
        _advance(taskId);
        t = tm.getTask(taskId);
        assertEq(uint8(t.status), uint8(ITaskManager.TaskStatus.Cancelled));
        assertEq(t.currentRound, 0);
        // The creator gets back everything but the four paid results.
        uint256 budget = tm.budgetOf(p.rewardPerResult, p.rounds, p.shards, p.maxReplication);
        assertEq(distributor.claimableOf(creator), budget - 4 * PAID);
    }

    function test_cancelWhileJoiningIsImmediate() public {
        uint256 taskId = _createTask(_params());
        vm.prank(creator);
        tm.cancel(taskId);
        assertEq(uint8(tm.getTask(taskId).status), uint8(ITaskManager.TaskStatus.Cancelled));
    }

    function test_cancelTwiceReverts() public {
        uint256 taskId = _startTask(_params(), 3);
        vm.startPrank(creator);
        tm.cancel(taskId);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.CancelAlreadyRequested.selector, taskId));
        tm.cancel(taskId);
        vm.stopPrank();
    }
}
