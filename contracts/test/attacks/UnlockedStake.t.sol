// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../../src/interfaces/IRewardDistributor.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 6, stake that is not at stake: joining did not lock stake, so a provider
/// unstaked after joining, kept being drawn and paid, and a later slash took nothing; and one stake
/// backed any number of tasks. Joining now locks the task's stake, exclusively, until the task has
/// closed and its challenge window passed.
contract UnlockedStakeTest is ProtocolFixture {
    address internal p0;

    function setUp() public {
        _deploy();
        p0 = _provider(0);
    }

    function test_attack_unstakeAfterJoining() public {
        uint256 taskId = _createTask(_params());
        _stakeAndJoin(taskId, p0);
        vm.prank(p0);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InsufficientStake.selector, 0, MIN_STAKE));
        distributor.requestUnstake(MIN_STAKE);
        assertEq(distributor.lockedStake(p0), JOIN_LOCK);
    }

    function test_attack_oneStakeBacksTwoTasks() public {
        uint256 first = _createTask(_params());
        uint256 second = _createTask(_params());
        _stakeAndJoin(first, p0);
        vm.prank(p0);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InsufficientStake.selector, 0, JOIN_LOCK));
        tm.join(second);
        // More stake backs a second task.
        _stake(p0, JOIN_LOCK);
        vm.prank(p0);
        tm.join(second);
        assertEq(distributor.lockedStake(p0), 2 * JOIN_LOCK);
    }

    function test_attack_slashReachesTheLockedStake() public {
        ITaskManager.TaskParams memory params = _params();
        uint256 taskId = _startTask(params, 2);
        _runRound(taskId, 0, 2);
        address victim = _assignees(taskId, 0, 0)[0];
        vm.prank(referee);
        uint256 amount = verifier.slash(
            IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 0),
            IConsensusVerifier.SlashReason.FingerprintMismatch,
            bytes32(0),
            stranger
        );
        assertEq(amount, MIN_STAKE);
        // What is left locked is the liveness deposit.
        assertEq(distributor.lockedStake(victim), REWARD);
        (uint128 staked,) = distributor.stakes(victim);
        assertEq(staked, REWARD);
    }

    function test_stakeIsReleasedAfterTheTaskAndItsChallengeWindow() public {
        ITaskManager.TaskParams memory params = _params();
        params.rounds = 1;
        uint256 taskId = _startTask(params, 2);
        vm.prank(p0);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.StakeStillLocked.selector, taskId, type(uint64).max));
        tm.unlockStake(taskId);
        _runRound(taskId, 0, 2);
        vm.warp(block.timestamp + params.aggregateWindow);
        _advance(taskId);
        uint64 releaseAt = uint64(block.timestamp) + params.challengeWindow;
        vm.prank(p0);
        vm.expectRevert(abi.encodeWithSelector(ITaskManager.StakeStillLocked.selector, taskId, releaseAt));
        tm.unlockStake(taskId);
        vm.warp(releaseAt);
        vm.prank(p0);
        tm.unlockStake(taskId);
        assertEq(distributor.lockedStake(p0), 0);
        vm.prank(p0);
        distributor.requestUnstake(MIN_STAKE);
    }
}
