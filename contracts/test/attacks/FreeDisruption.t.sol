// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IRewardDistributor} from "../../src/interfaces/IRewardDistributor.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Finding 11, free disruption: revealing junk against one honest replica split the shard,
/// which re-queued it with no cost to anyone, and so did withholding a reveal after seeing the
/// honest one; a single provider could stall any shard it was drawn for, attempt after attempt.
/// Now a split goes to the referee on the same attempt: the replica its re-execution agrees with is
/// paid, the junk is slashed (if the referee misses its window nobody is slashed and the shard runs
/// again). A missing reveal forfeits the liveness deposit locked at joining, burnt: it costs more
/// than being outvoted, which costs no stake.
contract FreeDisruptionTest is ProtocolFixture {
    uint256 internal taskId;
    int32[] internal honest;
    int32[] internal junk;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        honest = _fp(7, 16);
        junk = _shifted(honest, 1_000_000);
    }

    /// Replica 0 reveals the honest sketch, replica 1 junk: a split.
    function _split() internal {
        _commitRevealAll(taskId, 0, 0, _pair(honest, junk));
        assertFalse(_finalize(taskId, 0, 0, _pair(honest, junk)));
    }

    function test_attack_withholdingTheRevealCostsTheLivenessDeposit() public {
        address[] memory a = _assignees(taskId, 0, 0);
        _commit(taskId, 0, 0, 0, honest);
        _commit(taskId, 0, 0, 1, honest);
        _reveal(taskId, 0, 0, 0, honest);
        // Replica 1 saw the honest reveal and withholds its own: a lone reveal is never accepted.
        (,,,, uint64 revealDeadline,,) = verifier.assignment(taskId, 0, 0);
        vm.warp(revealDeadline);
        uint256 escrow = distributor.escrowOf(taskId);
        uint256 supply = token.totalSupply();
        uint256 stake = _staked(a[1]);
        int32[][] memory fps = new int32[][](2);
        fps[0] = honest;
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.LivenessForfeited(taskId, a[1], REWARD);
        assertFalse(_finalize(taskId, 0, 0, fps));
        assertEq(stake - _staked(a[1]), REWARD, "the deposit is forfeited");
        assertEq(token.totalSupply(), supply - REWARD, "and burnt");
        assertEq(distributor.escrowOf(taskId), escrow, "not added to the creator's escrow");
        assertEq(distributor.taskLock(taskId, a[1]), MIN_STAKE, "what a slash may take stays locked");
        assertEq(_staked(a[0]), JOIN_LOCK, "the honest replica keeps everything");
    }

    function test_beingOutvotedCostsNoStake() public {
        int32[][] memory fps = new int32[][](3);
        fps[0] = honest;
        fps[1] = honest;
        fps[2] = junk;
        // Force a 3-replica attempt: split, no verdict, re-run with one more replica.
        _split();
        _expireSplit(taskId, 0, 0);
        vm.roll(block.number + 1); // the re-run is drawn from the expiry's block, readable from the next
        address[] memory a = _assignees(taskId, 0, 0);
        assertEq(a.length, 3);
        assertTrue(_runShard(taskId, 0, 0, fps));
        assertEq(_staked(a[2]), JOIN_LOCK);
    }

    function _status() internal view returns (IConsensusVerifier.ShardStatus status) {
        (,, status,,,,) = verifier.assignment(taskId, 0, 0);
    }

    function _staked(address who) internal view returns (uint256 staked) {
        (uint128 s,) = distributor.stakes(who);
        return s;
    }

    function test_attack_junkAgainstAnHonestReplicaCostsTheJunkItsStake() public {
        _split();
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
        _split();
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
        _split();
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
        _split();
        address[] memory a = _assignees(taskId, 0, 0);
        vm.prank(referee);
        verifier.resolveSplit(taskId, 0, 0, 0, bytes32("both wrong"));
        assertEq(_attemptOf(taskId, 0, 0), 1);
        assertEq(uint8(_status()), uint8(IConsensusVerifier.ShardStatus.Open));
        // Each keeps only its liveness deposit.
        assertEq(_staked(a[0]), REWARD);
        assertEq(_staked(a[1]), REWARD);
    }
}
