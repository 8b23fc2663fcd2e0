// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Vm} from "forge-std/Vm.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 5, farmed reputation: reputation earned in a self-made task (replication 1,
/// tiny reward) multiplied the farmer's draw weight ten times in real tasks, and cost nothing: the
/// reward went from the farmer's one wallet to its other. Reputation's effect is now at most 1.25x,
/// it halves every month without new accepted results, and every accepted result burns a protocol
/// fee that its task's creator escrowed, so each point of reputation costs its farmer that fee.
contract FarmedReputationTest is ProtocolFixture {
    address internal farmer;
    address internal honest;

    function setUp() public {
        _deploy();
        farmer = _provider(0);
        honest = _provider(1);
    }

    /// The farmer creates a task for itself alone and runs it: every shard is its own lone result.
    function _farm() internal {
        ITaskManager.TaskParams memory p = _params();
        p.rounds = 3; // rounds without a version: a fourth in a row would end the task
        p.shards = 86;
        p.replication = 1;
        p.maxReplication = 1;
        p.rewardPerResult = 1;
        uint256 taskId = _createTask(p);
        _stakeAndJoin(taskId, farmer);
        vm.warp(block.timestamp + p.joinWindow);
        _advance(taskId);
        for (uint256 round = 0; round < p.rounds; ++round) {
            _runRound(taskId, round, p.shards);
            vm.warp(block.timestamp + p.aggregateWindow);
            _advance(taskId);
        }
        vm.warp(block.timestamp + p.challengeWindow);
        vm.prank(farmer);
        tm.unlockStake(taskId);
    }

    function _joinWeight(uint256 taskId, address who) internal returns (uint256 weight) {
        _stake(who, JOIN_LOCK);
        vm.recordLogs();
        vm.prank(who);
        tm.join(taskId);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        for (uint256 i = 0; i < logs.length; ++i) {
            if (logs[i].topics[0] == ITaskManager.ProviderJoined.selector) {
                (weight,) = abi.decode(logs[i].data, (uint256, uint256));
            }
        }
    }

    function test_attack_farmedReputationBarelyMovesTheDraw() public {
        _farm();
        assertGe(distributor.reputationOf(farmer), 256);
        uint256 real = _createTask(_params());
        uint256 farmed = _joinWeight(real, farmer);
        uint256 fair = _joinWeight(real, honest);
        // At most 1.25x the weight of a provider with no record.
        assertLe(farmed * 100, fair * 125);
        assertGt(farmed, fair);
    }

    function test_attack_farmingReputationBurnsAFeePerPoint() public {
        uint256 supply = token.totalSupply();
        _farm();
        uint256 points = distributor.reputationOf(farmer);
        assertEq(points, 3 * 86);
        // The farmer's reward comes back to it; the fee does not.
        vm.prank(farmer);
        distributor.claim();
        assertEq(supply - token.totalSupply(), points * tm.RESULT_FEE());
        assertGt(tm.RESULT_FEE(), 0);
    }

    function test_reputationDecays() public {
        _farm();
        uint256 before = distributor.reputationOf(farmer);
        vm.warp(block.timestamp + 30 days);
        assertEq(distributor.reputationOf(farmer), before / 2);
        vm.warp(block.timestamp + 60 days);
        assertEq(distributor.reputationOf(farmer), before / 8);
    }
}
