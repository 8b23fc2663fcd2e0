// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A task member commits blindly to a challenge of every version (or result) as soon as it
/// appears, and opens only when it sees someone else's opening: its commitment, older than the
/// detector's, took the challenge over (results), or its opening was ordered before the
/// detector's (versions), and the reporter's share that the detector's recomputation earned went
/// to it. On the old code both attacks paid the watcher (`minStake / 10` plus its bond back).
/// Now a challenge claims what only the work gives (the content hash of the version recomputed,
/// or `resultClaim` of the result's checked bytes); the referee names the right claim, and a
/// challenger whose claim is not it loses its bond and reports nothing.
contract BlindChallengeTest is ProtocolFixture {
    bytes32 internal constant GUESS = keccak256("a guess");

    function setUp() public {
        _deploy();
    }

    function _bond(address who, uint256 amount) internal {
        _fund(who, amount);
        vm.prank(who);
        token.approve(address(distributor), type(uint256).max);
    }

    /// A task whose round 0 ran, and a version of it its first winner forged.
    function _forgedVersion() internal returns (uint256 taskId, uint256 v, address[] memory winners) {
        taskId = _startTask(_params(), 4);
        uint256 genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        _runRound(taskId, 0, 2);
        winners = _roundWinners(taskId, 0, 2);
        v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("forged"));
    }

    function test_attack_aBlindVersionChallengeEarnsNothingAndLosesItsBond() public {
        (uint256 taskId, uint256 v, address[] memory winners) = _forgedVersion();
        address watcher = creator;
        address detector = winners[1];
        _bond(watcher, MIN_STAKE);
        _bond(detector, MIN_STAKE);
        // Blind, the moment the version is proposed; the detector commits once it has recomputed.
        bytes32 blindSalt = _commitVersionChallenge(watcher, v, GUESS);
        bytes32 salt = _commitVersionChallenge(detector, v, CLAIM);
        // The watcher saw the detector's opening in the mempool and is ordered first.
        vm.prank(watcher);
        registry.challenge(v, GUESS, blindSalt);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.ChallengeAlreadyOpen.selector, v, watcher));
        vm.prank(detector);
        registry.challenge(v, CLAIM, salt);
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(registry));
        emit IModelRegistry.VersionSlashed(v, taskId, winners[0], address(0), MIN_STAKE);
        vm.prank(referee);
        registry.resolveChallenge(v, true, CLAIM);
        assertEq(uint8(registry.getVersion(v).status), uint8(IModelRegistry.VersionStatus.Rejected), "still rejected");
        assertEq(distributor.claimableOf(watcher), 0, "no share, and its bond is gone");
        assertGe(supply - token.totalSupply(), 2 * uint256(MIN_STAKE), "its bond and the whole slash are burnt");
        (bool forged, address reporter) = registry.forgeries(v);
        assertTrue(forged);
        assertEq(reporter, address(0), "nobody reports its co-signers");
    }

    /// The detector committed first, so a later opening by it takes over a blind challenge, and
    /// the right claim is paid.
    function test_anOlderRightCommitmentTakesOverAVersionChallenge() public {
        (, uint256 v, address[] memory winners) = _forgedVersion();
        _bond(creator, MIN_STAKE);
        _bond(winners[1], MIN_STAKE);
        bytes32 salt = _commitVersionChallenge(winners[1], v, CLAIM);
        bytes32 laterSalt = _commitVersionChallenge(creator, v, GUESS);
        vm.prank(creator);
        registry.challenge(v, GUESS, laterSalt);
        (,, uint64 resolveBy,,) = registry.challenges(v);
        vm.warp(block.timestamp + 5);
        vm.prank(winners[1]);
        registry.challenge(v, CLAIM, salt);
        (address challenger,, uint64 stillBy,, bytes32 claim) = registry.challenges(v);
        assertEq(challenger, winners[1]);
        assertEq(claim, CLAIM);
        assertEq(stillBy, resolveBy, "the referee's deadline does not move");
        assertEq(distributor.claimableOf(creator), MIN_STAKE, "the superseded bond comes back");
        uint256 before = distributor.claimableOf(winners[1]);
        vm.prank(referee);
        registry.resolveChallenge(v, true, CLAIM);
        (, uint256 share) = distributor.slashShares(MIN_STAKE, winners[1]);
        assertEq(distributor.claimableOf(winners[1]), before + MIN_STAKE + share, "its bond back and the share");
    }

    function test_attack_aBlindResultChallengeEarnsNothingAndLosesItsBond() public {
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        uint256 taskId = _startTask(p, 4);
        int32[] memory fp = _fp(1, 16);
        assertTrue(_runShard(taskId, 0, 0, _pair(fp, fp)));
        IConsensusVerifier.ResultRef memory ref = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 1);
        address accused = _assignees(taskId, 0, 0)[1];
        address watcher = creator;
        address detector = _assignees(taskId, 0, 0)[0];
        _bond(watcher, REWARD);
        _bond(detector, REWARD);
        // Blind, as soon as the result is revealed; the detector after checking its bytes.
        vm.prank(watcher);
        challenges.commit(challenges.commitmentOf(watcher, ref, GUESS, "w"));
        vm.roll(block.number + 1);
        vm.prank(detector);
        challenges.commit(challenges.commitmentOf(detector, ref, CLAIM, "d"));
        vm.roll(block.number + 1);
        vm.prank(detector);
        challenges.challenge(ref, CLAIM, "d");
        // It opens once it sees the detector's opening: its older commitment takes over.
        vm.prank(watcher);
        challenges.challenge(ref, GUESS, "w");
        uint256 watcherBefore = distributor.claimableOf(watcher);
        vm.prank(referee);
        challenges.resolve(ref, true, IConsensusVerifier.SlashReason.FingerprintMismatch, "bytes", CLAIM);
        assertEq(distributor.claimableOf(watcher), watcherBefore, "no share, and its bond is gone");
        assertEq(distributor.claimableOf(detector) >= REWARD, true, "the detector's bond came back");
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.AlreadySlashed.selector, 1));
        verifier.slashableResult(ref);
        assertTrue(accused != watcher);
    }

    /// The claims are the ones docs/protocol.md's `challenge-claims` vector gives (TypeScript's
    /// `resultClaim` and `versionClaim` compute the same).
    function test_claims_matchTheTypeScriptVector() public view {
        bytes32 contentHash = 0x82e0d7b20eeb1d5f48f21faf56f4697d39dd88166449db50185c5b81a7dd81ee;
        bytes32 fingerprintHash = 0x7321f0614d883d6a9409bee785ea1d4fa1d462d8b3b5ff72f60b95d53cbc250b;
        assertEq(
            challenges.resultClaim(contentHash, fingerprintHash),
            0xdeee0a8d6ae78bdb6ad178d789d6ebaf6e0302816d4d13417db629d95b78a3f9
        );
        assertEq(
            challenges.resultClaim(contentHash, bytes32(0)),
            0xfff0ed9e164b1675bc2ebd7c68c8cddb29b7c5f5f9d74e1a04d6f830b1a191ac
        );
        assertEq(
            registry.versionClaim(
                0xa97dd2cbe677d6dda22dd4a01edec54ba307cd2b1f7d130707ba5a29cc019c1d,
                0xd6c66cad06fe14fdb6ce9297d80d32f24d7428996d0045cbf90cc345c677ba16,
                0x8f54f1c2d0eb5771cd5bf67a6689fcd6eed9444d91a39e5ef32a9b4ae5ca14ff
            ),
            0x83a0f9bbe3d3070f02b9552943fd685c7bfc48968a633475caee385678b804ec
        );
    }
}
