// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../src/interfaces/IConsensusVerifier.sol";
import {IResultChallenges} from "../src/interfaces/IResultChallenges.sol";
import {ITaskManager} from "../src/interfaces/ITaskManager.sol";
import {Fees} from "../src/libraries/Fees.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";

/// @notice Bonded result challenges: committed, opened a block later, judged by the referee.
contract ResultChallengesTest is ProtocolFixture {
    uint256 internal taskId;
    int32[] internal fpA;
    address internal accused;
    address internal watcher;
    address internal copier;
    IConsensusVerifier.ResultRef internal ref;

    function setUp() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        taskId = _startTask(p, 4);
        fpA = _fp(1, 16);
        // Both replicas agree, so the shard is accepted: replica 1's bytes are what a watcher
        // finds poisoned (a fingerprint that does not match its delta).
        assertTrue(_runShard(taskId, 0, 0, _pair(fpA, fpA)));
        address[] memory a = _assignees(taskId, 0, 0);
        accused = a[1];
        address[] memory all = tm.providersOf(taskId);
        for (uint256 i = 0; i < all.length; ++i) {
            if (all[i] == a[0] || all[i] == a[1]) continue;
            if (watcher == address(0)) watcher = all[i];
            else copier = all[i];
        }
        ref = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 1);
        _fundBond(watcher);
        _fundBond(copier);
        _fundBond(a[0]);
    }

    function _fundBond(address who) internal {
        _fund(who, 10 * uint256(REWARD));
        vm.prank(who);
        token.approve(address(distributor), type(uint256).max);
    }

    function _commitChallenge(address who, bytes32 salt) internal {
        bytes32 c = challenges.commitmentOf(who, ref, CLAIM, salt);
        vm.prank(who);
        challenges.commit(c);
    }

    function _open(address who, bytes32 salt) internal {
        vm.prank(who);
        challenges.challenge(ref, CLAIM, salt);
    }

    function test_attack_poisonedPin_anUpheldChallengeSlashesTheResultAndPaysTheReporter() public {
        _commitChallenge(watcher, "s");
        vm.roll(block.number + 1);
        _open(watcher, "s");
        assertEq(token.balanceOf(watcher), 9 * uint256(REWARD), "the bond is held");
        uint256 supply = token.totalSupply();
        vm.prank(referee);
        challenges.resolve(ref, true, IConsensusVerifier.SlashReason.FingerprintMismatch, "bytes", CLAIM);
        // The reporter's share of the slash, and its bond back.
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10 + REWARD);
        assertEq(distributor.claimableOf(accused), 0, "the accused forfeits its reward");
        assertEq(token.totalSupply(), supply - (MIN_STAKE - MIN_STAKE / 10) - REWARD - Fees.RESULT_FEE);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.AlreadySlashed.selector, 1));
        verifier.slashableResult(ref);
        assertEq(challenges.challengeOf(ref).challenger, address(0));
    }

    function test_aDismissedChallengeForfeitsTheBondToTheAccused() public {
        _commitChallenge(watcher, "s");
        vm.roll(block.number + 1);
        _open(watcher, "s");
        vm.prank(referee);
        challenges.resolve(ref, false, IConsensusVerifier.SlashReason.RefereeDisagrees, "fine", CLAIM);
        assertEq(distributor.claimableOf(watcher), 0);
        assertEq(distributor.claimableOf(accused), REWARD + REWARD / 10, "its reward and the bond's reporter share");
        assertEq(verifier.slashableResult(ref), accused, "not slashed");
    }

    function test_attack_frontRunning_aCopiedOpeningCannotTakeTheReportersShare() public {
        _commitChallenge(watcher, "w");
        vm.roll(block.number + 1);
        // The copier saw the watcher's opening in the mempool, committed and opened before it.
        _commitChallenge(copier, "c");
        vm.roll(block.number + 1);
        _open(copier, "c");
        _open(watcher, "w");
        assertEq(challenges.challengeOf(ref).challenger, watcher, "the older commitment takes the challenge over");
        assertEq(distributor.claimableOf(copier), REWARD, "the superseded bond comes back");
        vm.prank(referee);
        challenges.resolve(ref, true, IConsensusVerifier.SlashReason.FingerprintMismatch, "bytes", CLAIM);
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10 + REWARD);
        assertEq(distributor.claimableOf(copier), REWARD, "no share for the copier");
    }

    function test_challenge_revertsWhenALaterCommitmentFindsItOpen() public {
        _commitChallenge(watcher, "w");
        _commitChallenge(copier, "c");
        vm.roll(block.number + 1);
        _open(watcher, "w");
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.ChallengeAlreadyOpen.selector, watcher));
        _open(copier, "c");
    }

    function test_challenge_revertsWithoutItsCommitment() public {
        bytes32 c = challenges.commitmentOf(watcher, ref, CLAIM, "s");
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.NotCommitted.selector, c));
        _open(watcher, "s");
    }

    function test_attack_frontRunning_aCopierCommittingInTheOpeningsBlockDoesNotTakeItOver() public {
        _commitChallenge(watcher, "w");
        vm.roll(block.number + 1);
        // Ordered before the watcher's opening in the same block: commit and open.
        _commitChallenge(copier, "c");
        vm.expectRevert(
            abi.encodeWithSelector(
                IResultChallenges.CommittedInThisBlock.selector, challenges.commitmentOf(copier, ref, CLAIM, "c")
            )
        );
        _open(copier, "c");
        _open(watcher, "w");
        assertEq(challenges.challengeOf(ref).challenger, watcher);
    }

    /// A watcher that committed and opened in one block could be copied within that block: a
    /// copier ordered first committed and opened there too, and the watcher's opening then found an
    /// equally old challenge open and reverted, leaving the copier the reporter's share. An opening
    /// now waits a block after its commitment, as a version's challenge and a fraud proof do.
    function test_attack_frontRunning_anOpeningInItsCommitmentsBlockCannotBeCopiedThere() public {
        _commitChallenge(copier, "c");
        _commitChallenge(watcher, "w");
        vm.expectRevert(
            abi.encodeWithSelector(
                IResultChallenges.CommittedInThisBlock.selector, challenges.commitmentOf(copier, ref, CLAIM, "c")
            )
        );
        _open(copier, "c");
        vm.roll(block.number + 1);
        _open(watcher, "w");
        assertEq(challenges.challengeOf(ref).challenger, watcher);
    }

    function test_challenge_revertsForOutsidersTheAccusedAndTheReferee() public {
        _fundBond(stranger);
        address[3] memory who = [stranger, accused, referee];
        for (uint256 i = 0; i < who.length; ++i) {
            _commitChallenge(who[i], "s");
        }
        vm.roll(block.number + 1);
        for (uint256 i = 0; i < who.length; ++i) {
            vm.expectRevert(abi.encodeWithSelector(IResultChallenges.NotAllowedToChallenge.selector, who[i]));
            _open(who[i], "s");
        }
    }

    function test_challenge_revertsForAnUnrevealedResult() public {
        ref.replica = 2;
        _commitChallenge(watcher, "s");
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.ResultNotRevealed.selector, 2));
        _open(watcher, "s");
    }

    function test_aChallengeTheRefereeMissesLapsesWithItsBondBack() public {
        _commitChallenge(watcher, "s");
        vm.roll(block.number + 1);
        _open(watcher, "s");
        uint64 resolveBy = challenges.challengeOf(ref).resolveBy;
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.ChallengeUnresolvedUntil.selector, resolveBy));
        challenges.expire(ref);
        vm.warp(resolveBy);
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.ChallengeLapsed.selector, resolveBy));
        vm.prank(referee);
        challenges.resolve(ref, true, IConsensusVerifier.SlashReason.FingerprintMismatch, "late", CLAIM);
        challenges.expire(ref);
        assertEq(distributor.claimableOf(watcher), REWARD);
        assertEq(verifier.slashableResult(ref), accused, "nobody is slashed");
    }

    function test_anUpheldChallengeOfAResultAnAuditSlashedReturnsTheBondOnly() public {
        _commitChallenge(watcher, "s");
        vm.roll(block.number + 1);
        _open(watcher, "s");
        vm.prank(referee);
        verifier.slash(ref, IConsensusVerifier.SlashReason.RefereeDisagrees, "audit", address(0));
        vm.prank(referee);
        challenges.resolve(ref, true, IConsensusVerifier.SlashReason.FingerprintMismatch, "bytes", CLAIM);
        assertEq(distributor.claimableOf(watcher), REWARD, "its bond back, no share of a slash it did not cause");
    }

    function test_resolve_revertsWhenNotReferee() public {
        _commitChallenge(watcher, "s");
        vm.roll(block.number + 1);
        _open(watcher, "s");
        vm.expectRevert();
        vm.prank(watcher);
        challenges.resolve(ref, true, IConsensusVerifier.SlashReason.FingerprintMismatch, "self", CLAIM);
    }
}
