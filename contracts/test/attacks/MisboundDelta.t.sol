// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IResultChallenges} from "../../src/interfaces/IResultChallenges.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {DeltaRoot} from "../../src/libraries/DeltaRoot.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {Packed} from "../utils/Packed.sol";
import {finalizeOne} from "../utils/VerifierCalls.sol";

/// @notice A provider reveals a delta that is not its own (bound to another provider, or replayed
/// from another attempt) or not a delta at all, with the fingerprint its partner revealed, and wins
/// the shard. Before, only the referee could slash it: with the referee offline or late it kept
/// its pay. Now anyone who holds the revealed bytes proves it on chain, and the contract slashes by
/// itself.
contract MisboundDeltaTest is ProtocolFixture {
    uint256 internal taskId;
    address internal honest;
    address internal accused;
    address internal watcher;
    address internal copier;
    bytes internal honestDelta;
    bytes internal badDelta;
    int32[] internal fp;
    IConsensusVerifier.ResultRef internal honestRef;
    IConsensusVerifier.ResultRef internal badRef;

    function setUp() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        taskId = _startTask(p, 4);
        address[] memory a = _assignees(taskId, 0, 0);
        (honest, accused) = (a[0], a[1]);
        address[] memory all = tm.providersOf(taskId);
        for (uint256 i = 0; i < all.length; ++i) {
            if (all[i] == honest || all[i] == accused) continue;
            if (watcher == address(0)) watcher = all[i];
            else copier = all[i];
        }
        honestDelta = _delta(_binding(honest, 0));
        // the honest replica's own bytes, passed off as the accused's
        badDelta = honestDelta;
        fp = _fp(1, 16);
        honestRef = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 0);
        badRef = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 1);
    }

    function _binding(address provider, uint256 attempt) internal view returns (bytes32) {
        return
            keccak256(abi.encode(block.chainid, address(verifier), taskId, uint256(0), uint256(0), attempt, provider));
    }

    /// An int8 delta of one tensor "w" of 2 values (protocol section 8); the CRC is not checked on chain.
    function _delta(bytes32 binding) internal pure returns (bytes memory) {
        return abi.encodePacked(
            hex"4d4c4244020001000001000001000000",
            binding,
            hex"0100770102000000",
            hex"0000803f",
            hex"7f81",
            hex"00000000"
        );
    }

    /// A top-k delta (scheme 2) with `bits` at byte 7, chunk 4096 and one tensor; the contract reads
    /// only the header, so one body byte stands for the rest.
    function _topKDelta(bytes32 binding, uint8 bits) internal pure returns (bytes memory) {
        return abi.encodePacked(hex"4d4c4244020002", bits, hex"0010000001000000", binding, hex"00");
    }

    function _cidOf(bytes memory delta) internal pure returns (bytes memory) {
        return abi.encodePacked(hex"01551220", sha256(delta));
    }

    /// Replica 0 reveals `honestDelta`, replica 1 `bad`, both the same fingerprint: the shard is accepted.
    function _runWith(bytes memory bad) internal {
        bytes[2] memory cids = [_cidOf(honestDelta), _cidOf(bad)];
        for (uint256 i = 0; i < 2; ++i) {
            _commit(taskId, 0, 0, i, cids[i]);
        }
        (,,, uint64 commitDeadline, uint64 revealDeadline,,) = verifier.assignment(taskId, 0, 0);
        vm.warp(commitDeadline);
        for (uint256 i = 0; i < 2; ++i) {
            _reveal(taskId, 0, 0, i, fp, cids[i]);
        }
        vm.warp(revealDeadline);
        int32[][] memory fps = _pair(fp, fp);
        bytes32[] memory leaves = new bytes32[](2);
        for (uint256 i = 0; i < 2; ++i) {
            leaves[i] = DeltaRoot.leaf(cids[i]);
        }
        assertTrue(finalizeOne(verifier, taskId, 0, 0, Packed.packAll(fps), leaves), "both winners");
    }

    /// What checking `delta` finds when it fails the on-chain checks (no fingerprint recomputed).
    function _claimOf(bytes memory delta) internal view returns (bytes32) {
        return challenges.resultClaim(keccak256(delta), bytes32(0));
    }

    function _commitProof(address who, IConsensusVerifier.ResultRef memory ref, bytes32 salt, bytes memory delta)
        internal
    {
        bytes32 c = challenges.commitmentOf(who, ref, _claimOf(delta), salt);
        vm.prank(who);
        challenges.commit(c);
    }

    function _prove(address who, IConsensusVerifier.ResultRef memory ref, bytes32 salt, bytes memory delta) internal {
        vm.prank(who);
        challenges.proveInvalidDelta(ref, salt, keccak256(Packed.pack(fp)), delta);
    }

    /// The watcher commits, then opens a bonded challenge of the bad result a block later.
    function _watcherChallenges() internal {
        _fund(watcher, 10 * uint256(REWARD));
        vm.prank(watcher);
        token.approve(address(distributor), type(uint256).max);
        _commitProof(watcher, badRef, "w", badDelta);
        vm.roll(block.number + 1);
        bytes32 claim = _claimOf(badDelta);
        vm.prank(watcher);
        challenges.challenge(badRef, claim, "w");
    }

    function test_attack_aDeltaBoundToAnotherProviderIsSlashedByAnyonesProofWithoutTheReferee() public {
        _runWith(badDelta);
        _commitProof(stranger, badRef, "s", badDelta);
        vm.roll(block.number + 1);
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(challenges));
        emit IResultChallenges.InvalidDeltaProven(challenges.resultKey(badRef), stranger, stranger, sha256(badDelta));
        _prove(stranger, badRef, "s", badDelta);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.AlreadySlashed.selector, 1));
        verifier.slashableResult(badRef);
        assertEq(distributor.claimableOf(stranger), MIN_STAKE / 10, "the prover is the reporter");
        assertEq(distributor.claimableOf(accused), 0, "the accused forfeits its reward");
        assertEq(distributor.claimableOf(honest), REWARD, "the honest replica keeps its pay");
        assertLt(token.totalSupply(), supply, "the rest of the stake is burnt");
    }

    function test_attack_aDeltaReplayedFromAnotherAttemptIsProvable() public {
        bytes memory replayed = _delta(_binding(accused, 7));
        _runWith(replayed);
        _commitProof(watcher, badRef, "s", replayed);
        vm.roll(block.number + 1);
        _prove(watcher, badRef, "s", replayed);
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10);
    }

    function testFuzz_anyChangeToTheMagicVersionOrBindingIsProvable(uint8 offset, uint8 flip) public {
        flip = uint8(bound(flip, 1, 255));
        // bytes 0-5 (magic, version) and 16-47 (binding)
        uint256 pos = bound(offset, 0, 37);
        pos = pos < 6 ? pos : pos + 10;
        bytes memory bad = _delta(_binding(accused, 0));
        bad[pos] = bytes1(uint8(bad[pos]) ^ flip);
        _runWith(bad);
        _commitProof(watcher, badRef, "s", bad);
        vm.roll(block.number + 1);
        _prove(watcher, badRef, "s", bad);
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10);
    }

    function test_proveInvalidDelta_revertsForADeltaThatPassesTheOnChainChecks() public {
        _runWith(_delta(_binding(accused, 0)));
        _commitProof(watcher, honestRef, "s", honestDelta);
        vm.roll(block.number + 1);
        vm.expectRevert(IResultChallenges.DeltaPassesOnChainChecks.selector);
        _prove(watcher, honestRef, "s", honestDelta);
    }

    function test_attack_aTopKDeltaWithBitsNoDecoderReadsIsProvable() public {
        bytes memory bad = _topKDelta(_binding(accused, 0), 3);
        _runWith(bad);
        _commitProof(watcher, badRef, "s", bad);
        vm.roll(block.number + 1);
        _prove(watcher, badRef, "s", bad);
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10);
    }

    function test_proveInvalidDelta_revertsForAWellBoundTopKDelta() public {
        bytes memory topK = _topKDelta(_binding(accused, 0), 2);
        _runWith(topK);
        _commitProof(watcher, badRef, "s", topK);
        vm.roll(block.number + 1);
        vm.expectRevert(IResultChallenges.DeltaPassesOnChainChecks.selector);
        _prove(watcher, badRef, "s", topK);
    }

    function test_proveInvalidDelta_revertsForBytesTheResultDidNotReveal() public {
        _runWith(badDelta);
        bytes memory other = _delta(bytes32(0));
        _commitProof(watcher, badRef, "s", other);
        vm.roll(block.number + 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IResultChallenges.NotTheRevealedDelta.selector, verifier.resultOf(taskId, 0, 0, 0, 1)
            )
        );
        _prove(watcher, badRef, "s", other);
    }

    function test_attack_frontRunning_aCopiedProofNeedsACommitmentFromAnEarlierBlock() public {
        _runWith(badDelta);
        _commitProof(watcher, badRef, "w", badDelta);
        vm.roll(block.number + 1);
        // The copier saw the watcher's proof in the mempool and is ordered before it in its block.
        _commitProof(copier, badRef, "c", badDelta);
        bytes32 c = challenges.commitmentOf(copier, badRef, _claimOf(badDelta), "c");
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.CommittedInThisBlock.selector, c));
        _prove(copier, badRef, "c", badDelta);
        _prove(watcher, badRef, "w", badDelta);
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10);
        assertEq(distributor.claimableOf(copier), 0);
    }

    function test_proveInvalidDelta_revertsWithoutACommitmentAndForTheAccused() public {
        _runWith(badDelta);
        bytes32 c = challenges.commitmentOf(watcher, badRef, _claimOf(badDelta), "s");
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.NotCommitted.selector, c));
        _prove(watcher, badRef, "s", badDelta);
        _commitProof(accused, badRef, "s", badDelta);
        vm.roll(block.number + 1);
        vm.expectRevert(abi.encodeWithSelector(IResultChallenges.NotAllowedToChallenge.selector, accused));
        _prove(accused, badRef, "s", badDelta);
    }

    function test_aProofUpholdsAnOpenChallengeWhoseOlderCommitmentKeepsTheReportersShare() public {
        _runWith(badDelta);
        _watcherChallenges();
        _commitProof(copier, badRef, "c", badDelta);
        vm.roll(block.number + 1);
        _prove(copier, badRef, "c", badDelta);
        assertEq(distributor.claimableOf(watcher), MIN_STAKE / 10 + REWARD, "the challenger's share and its bond");
        assertEq(distributor.claimableOf(copier), 0, "no share for a later prover");
        assertEq(challenges.challengeOf(badRef).challenger, address(0), "the challenge is closed");
    }

    function test_aProverWhoCommittedBeforeTheChallengerIsTheReporter() public {
        _runWith(badDelta);
        _commitProof(copier, badRef, "c", badDelta);
        vm.roll(block.number + 1);
        _watcherChallenges();
        _prove(copier, badRef, "c", badDelta);
        assertEq(distributor.claimableOf(copier), MIN_STAKE / 10);
        assertEq(distributor.claimableOf(watcher), REWARD, "the challenger's bond comes back");
    }

    /// The accused uploads sealed bytes that do not open, over a committed plaintext that fails
    /// the on-chain checks and that it keeps. An honest checker challenges with what it found (the
    /// sealed bytes' claim); an accomplice then proves the plaintext. The proof cannot tell that
    /// challenger from a blind one: the referee, who finds the same sealed bytes, judges it.
    function test_attack_aProofOfTheKeptPlaintextDoesNotBurnAChallengerWhoFoundTheSealedBytesUnopenable() public {
        _runWith(badDelta);
        _fund(watcher, 10 * uint256(REWARD));
        vm.prank(watcher);
        token.approve(address(distributor), type(uint256).max);
        bytes32 sealedClaim = challenges.resultClaim(keccak256("sealed bytes that do not open"), bytes32(0));
        vm.prank(watcher);
        challenges.commit(challenges.commitmentOf(watcher, badRef, sealedClaim, "w"));
        vm.roll(block.number + 1);
        vm.prank(watcher);
        challenges.challenge(badRef, sealedClaim, "w");
        _commitProof(copier, badRef, "c", badDelta);
        vm.roll(block.number + 1);
        _prove(copier, badRef, "c", badDelta);
        assertEq(distributor.claimableOf(copier), MIN_STAKE / 10, "the prover is the reporter");
        assertEq(challenges.challengeOf(badRef).challenger, watcher, "left to the referee");
        vm.prank(referee);
        challenges.resolve(badRef, true, IConsensusVerifier.SlashReason.InvalidDelta, "sealed", sealedClaim);
        assertEq(distributor.claimableOf(watcher), REWARD, "the honest challenger's bond comes back");
    }

    /// A watcher that committed blind (its claim is not what the bytes give) is not the reporter
    /// of a proof even with the older commitment, and the referee burns its bond.
    function test_attack_aBlindChallengerIsNotTheReporterOfAProof() public {
        _runWith(badDelta);
        _fund(watcher, 10 * uint256(REWARD));
        vm.prank(watcher);
        token.approve(address(distributor), type(uint256).max);
        bytes32 guess = keccak256("a guess");
        bytes32 c = challenges.commitmentOf(watcher, badRef, guess, "w");
        vm.prank(watcher);
        challenges.commit(c);
        vm.roll(block.number + 1);
        _commitProof(copier, badRef, "c", badDelta);
        vm.prank(watcher);
        challenges.challenge(badRef, guess, "w");
        vm.roll(block.number + 1);
        _prove(copier, badRef, "c", badDelta);
        assertEq(distributor.claimableOf(copier), MIN_STAKE / 10, "the prover is the reporter");
        bytes32 found = _claimOf(badDelta);
        vm.prank(referee);
        challenges.resolve(badRef, true, IConsensusVerifier.SlashReason.InvalidDelta, "bytes", found);
        assertEq(distributor.claimableOf(watcher), 0, "no share, and the bond is gone");
    }
}
