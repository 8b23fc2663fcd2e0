// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 11, free disruption: revealing junk against one honest replica split the shard,
/// which re-queued it with no cost to anyone, so a single provider could stall any shard it was
/// drawn for, attempt after attempt. Now a split goes to the referee on the same attempt: the
/// replica its re-execution agrees with is paid, the junk is slashed. If the referee misses its
/// window nobody is slashed and the shard runs again, as before.
contract FreeDisruptionTest is ProtocolFixture {
    uint256 internal taskId;
    int32[] internal honest;
    int32[] internal junk;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        honest = _fp(7, 16);
        junk = _shifted(honest, 1_000_000);
        _commitRevealAll(taskId, 0, 0, _pair(honest, junk));
        assertFalse(verifier.finalize(taskId, 0, 0, _pair(honest, junk)));
    }

    function _status() internal view returns (IConsensusVerifier.ShardStatus status) {
        (,, status,,,,) = verifier.assignment(taskId, 0, 0);
    }

    function _staked(address who) internal view returns (uint256 staked) {
        (uint128 s,) = distributor.stakes(who);
        return s;
    }

    function test_attack_junkAgainstAnHonestReplicaCostsTheJunkItsStake() public {
        assertEq(uint8(_status()), uint8(IConsensusVerifier.ShardStatus.Disputed));
        address[] memory a = _assignees(taskId, 0, 0);
        uint256 junkStake = _staked(a[1]);
        vm.expectEmit(address(verifier));
        emit IConsensusVerifier.SplitResolved(taskId, 0, 0, 0, 1, bytes32("evidence"));
        vm.prank(referee);
        verifier.resolveSplit(taskId, 0, 0, 1, bytes32("evidence"));
        // The same attempt is decided: no re-run, the honest replica is paid and a winner.
        assertEq(uint8(_status()), uint8(IConsensusVerifier.ShardStatus.Accepted));
        assertEq(distributor.claimableOf(a[0]), REWARD);
        assertEq(distributor.claimableOf(a[1]), 0);
        assertEq(junkStake - _staked(a[1]), MIN_STAKE);
        assertEq(verifier.roundWinners(taskId, 0) != 0, true);
        (, uint256 decided,) = verifier.roundProgress(taskId);
        assertEq(decided, 1);
    }

    function test_withoutAVerdictNobodyIsSlashedAndTheShardRunsAgain() public {
        address[] memory a = _assignees(taskId, 0, 0);
        uint256 before0 = _staked(a[0]);
        uint256 before1 = _staked(a[1]);
        assertFalse(_expireSplit(taskId, 0, 0));
        assertEq(_attemptOf(taskId, 0, 0), 1);
        assertEq(_staked(a[0]), before0);
        assertEq(_staked(a[1]), before1);
        // Too late for the referee now.
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.NotDisputed.selector, taskId, 0, 0));
        verifier.resolveSplit(taskId, 0, 0, 1, bytes32(0));
    }

    function test_onlyTheRefereeResolves_andOnlyRevealedReplicasWin_andOnlyInItsWindow() public {
        vm.prank(stranger);
        vm.expectRevert();
        verifier.resolveSplit(taskId, 0, 0, 1, bytes32(0));
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.InvalidVerdict.selector, 4));
        verifier.resolveSplit(taskId, 0, 0, 4, bytes32(0));
        uint64 deadline = _refereeDeadline(taskId, 0, 0);
        vm.warp(deadline);
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.RefereeWindowClosed.selector, deadline));
        verifier.resolveSplit(taskId, 0, 0, 1, bytes32(0));
    }

    function test_aVerdictAgainstEveryReplicaSlashesThemAllAndRunsTheShardAgain() public {
        address[] memory a = _assignees(taskId, 0, 0);
        vm.prank(referee);
        verifier.resolveSplit(taskId, 0, 0, 0, bytes32("both wrong"));
        assertEq(_attemptOf(taskId, 0, 0), 1);
        assertEq(uint8(_status()), uint8(IConsensusVerifier.ShardStatus.Open));
        assertEq(_staked(a[0]), 0);
        assertEq(_staked(a[1]), 0);
    }
}
