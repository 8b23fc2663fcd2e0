// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A slashed provider kept being drawn in its task: its lock was spent by the slash, so each
/// later fraud could take only what it had left unlocked, and one that went offline kept being
/// drawn after its liveness deposit was gone, stalling every shard it got. Now a slash, or a
/// missing result once the deposit is spent, ejects the provider from the task's draws from the
/// next round on (a round's draws never change while it runs); a task left with fewer providers
/// than its replication ends and refunds.
contract SlashedStillDrawnTest is ProtocolFixture {
    uint256 internal constant SHARDS = 8;
    uint256 internal taskId;

    function setUp() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = uint16(SHARDS);
        taskId = _startTask(p, 4);
    }

    function _drawnIn(uint256 round, address who) internal view returns (bool) {
        return _drawnIn(taskId, round, SHARDS, who);
    }

    /// The fingerprint every honest replica of `shard` in `round` reveals.
    function _honest(uint256 round, uint256 shard) internal pure returns (int32[] memory) {
        return _fp(round * 100 + shard, 16);
    }

    /// Runs the open attempt of every shard of `round` at once (they share their windows): each
    /// replica reveals `fps[shard][replica]`, or nothing when it is empty, then every shard is
    /// finalized. Returns how many were open.
    function _runOpen(uint256 round, int32[][][] memory fps) internal returns (uint256 open) {
        uint64 revealDeadline;
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            if (!_attemptOpen(round, shard)) continue;
            ++open;
            for (uint256 i = 0; i < fps[shard].length; ++i) {
                if (fps[shard][i].length > 0) _commit(taskId, round, shard, i, fps[shard][i]);
            }
        }
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            if (!_attemptOpen(round, shard)) continue;
            uint64 commitDeadline;
            (,,, commitDeadline, revealDeadline,,) = verifier.assignment(taskId, round, shard);
            if (block.timestamp < commitDeadline) vm.warp(commitDeadline);
            for (uint256 i = 0; i < fps[shard].length; ++i) {
                if (fps[shard][i].length > 0) _reveal(taskId, round, shard, i, fps[shard][i]);
            }
        }
        if (block.timestamp < revealDeadline) vm.warp(revealDeadline);
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            if (_attemptOpen(round, shard)) _finalize(taskId, round, shard, fps[shard]);
        }
    }

    /// What every assignee of each shard of `round` reveals: the honest sketch, except `absent`.
    function _sketches(uint256 round, address absent) internal view returns (int32[][][] memory fps) {
        fps = new int32[][][](SHARDS);
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            address[] memory a = _assignees(taskId, round, shard);
            fps[shard] = new int32[][](a.length);
            for (uint256 i = 0; i < a.length; ++i) {
                if (a[i] != absent) fps[shard][i] = _honest(round, shard);
            }
        }
    }

    /// Runs `round` to the end with everyone but `absent` honest (re-runs included), waits out the
    /// aggregation window (no version) and starts the next round.
    function _finishRound(uint256 round, address absent) internal {
        for (uint256 n = 0; n < 4; ++n) {
            vm.roll(block.number + 1); // a re-run is drawn from its re-queue's block, readable from the next
            if (_runOpen(round, _sketches(round, absent)) == 0) break;
        }
        vm.warp(block.timestamp + 100);
        _advance(taskId);
    }

    function test_attack_aSlashedProviderIsNotDrawnInLaterRounds() public {
        address cheat = _assignees(taskId, 0, 0)[1];
        int32[][][] memory fps = _sketches(0, address(0));
        fps[0][1] = _shifted(fps[0][0], 1_000_000);
        _runOpen(0, fps);
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderEjected(taskId, cheat, 1);
        vm.prank(referee);
        verifier.resolveSplit(taskId, 0, 0, 1, bytes32("re-executed"));
        _finishRound(0, address(0));
        assertEq(tm.getTask(taskId).currentRound, 1);
        assertFalse(_drawnIn(1, cheat), "ejected from round 1 on");
        _finishRound(1, address(0));
        assertFalse(_drawnIn(2, cheat), "and every round after");
        assertEq(tm.getTask(taskId).providerCount, 4, "it is still a member (its stake unlocks at the end)");
    }

    function test_attack_aProviderThatMissesAfterItsDepositIsGoneIsEjected() public {
        address offline = _assignees(taskId, 0, 0)[1];
        uint256 misses;
        for (uint256 shard = 0; shard < SHARDS; ++shard) {
            address[] memory a = _assignees(taskId, 0, shard);
            if (a[0] == offline || a[1] == offline) ++misses;
        }
        assertGe(misses, 2, "the draw gave the offline provider two shards");
        _runOpen(0, _sketches(0, offline));
        assertEq(distributor.taskLock(taskId, offline), MIN_STAKE, "one deposit forfeited, then nothing more");
        assertEq(tm.ejected(taskId), 1 << _indexOf(offline), "the second miss ejected it");
        _finishRound(0, offline);
        assertEq(tm.getTask(taskId).currentRound, 1);
        assertFalse(_drawnIn(1, offline));
    }

    function _indexOf(address who) internal view returns (uint256 i) {
        address[] memory all = tm.providersOf(taskId);
        while (all[i] != who) {
            ++i;
        }
    }

    function test_aTaskLeftWithFewerProvidersThanItsReplicationEndsAndRefunds() public {
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        uint256 small = _startTask(p, 2);
        int32[] memory honest = _fp(1, 16);
        _commitRevealAll(small, 0, 0, _pair(honest, _shifted(honest, 1_000_000)));
        _finalize(small, 0, 0, _pair(honest, _shifted(honest, 1_000_000)));
        vm.prank(referee);
        verifier.resolveSplit(small, 0, 0, 1, bytes32("re-executed"));
        vm.warp(block.timestamp + 100);
        uint256 escrow = distributor.escrowOf(small);
        vm.expectEmit(address(tm));
        emit ITaskManager.TaskUnderSubscribed(small, 1, 2, escrow);
        tm.advance(small);
        assertEq(uint8(tm.getTask(small).status), uint8(ITaskManager.TaskStatus.Cancelled));
        assertEq(distributor.escrowOf(small), 0);
    }

    function _attemptOpen(uint256 round, uint256 shard) internal view returns (bool) {
        (,, IConsensusVerifier.ShardStatus status,,,,) = verifier.assignment(taskId, round, shard);
        return status == IConsensusVerifier.ShardStatus.Open;
    }
}
