// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 10, replication silently drops to one: with fewer providers than the task's
/// replication, round 0 started anyway and a lone result was accepted and paid with no replica to
/// compare. Now a task that cannot fill its replicas ends when its joining window does, and its
/// escrow goes back.
contract UnderReplicatedTest is ProtocolFixture {
    function setUp() public {
        _deploy();
    }

    function test_attack_aLoneProviderIsNeverAcceptedAlone() public {
        ITaskManager.TaskParams memory p = _params();
        uint256 taskId = _createTask(p);
        address lone = _provider(0);
        _stakeAndJoin(taskId, lone);
        vm.warp(block.timestamp + p.joinWindow);
        uint256 escrow = distributor.escrowOf(taskId);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskUnderSubscribed(taskId, 1, p.replication, escrow);
        _advance(taskId);
        ITaskManager.Task memory t = tm.getTask(taskId);
        assertEq(uint8(t.status), uint8(ITaskManager.TaskStatus.Cancelled));
        assertEq(distributor.escrowOf(taskId), 0);
        assertEq(distributor.claimableOf(creator), escrow);
        assertEq(distributor.claimableOf(lone), 0);
        // The lone provider gets its stake back after the challenge window.
        vm.warp(block.timestamp + p.challengeWindow);
        vm.prank(lone);
        tm.unlockStake(taskId);
        assertEq(distributor.lockedStake(lone), 0);
    }
}
