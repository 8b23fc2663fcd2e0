// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {DeltaRoot} from "../../src/libraries/DeltaRoot.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {commitOne, revealOne} from "../utils/VerifierCalls.sol";
import {Packed} from "../utils/Packed.sol";

/// @notice Finding 2, the fingerprint's seed was public before training (derived from the task
/// spec), so a provider could build a harmful delta whose sketch equals the honest one (project the
/// honest delta onto the sketch's directions and replace the rest), and the commitment bound the
/// fingerprint, so the sketch had to be known before anything was fixed. Now the commitment binds
/// only the delta (plaintext and sealed CIDs, salt, attempt); the seed is the hash of the block
/// of the attempt's last commit, unknown while any delta can still be chosen (no transaction in a
/// block can read its hash); and a reveal waits for the next block.
contract PresetFingerprintSeedTest is ProtocolFixture {
    uint256 internal taskId;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
    }

    function _seed(uint256 attempt) internal view returns (uint64 seedBlock, bytes32 seed) {
        return verifier.fingerprintSeed(taskId, 0, 0, attempt);
    }

    function test_attack_seedIsUnknownUntilAfterTheLastCommit() public {
        (uint64 none, bytes32 noSeed) = _seed(0);
        assertEq(none, 0);
        assertEq(noSeed, bytes32(0));

        _commit(taskId, 0, 0, 0, _fp(1, 16));
        uint256 firstCommitBlock = block.number;
        (uint64 afterFirst,) = _seed(0);
        assertEq(afterFirst, firstCommitBlock);

        // Whoever commits last moves the seed to its own commit's block: it never knows the seed it
        // is fingerprinted under while it can still choose its delta.
        _commit(taskId, 0, 0, 1, _fp(1, 16));
        uint256 lastCommitBlock = block.number;
        (uint64 seedBlock, bytes32 early) = _seed(0);
        assertEq(seedBlock, lastCommitBlock);
        assertEq(early, bytes32(0), "the seed block's hash is not readable within it");

        // The reveal opened (every replica committed), but not before the seed exists.
        address who = _assignees(taskId, 0, 0)[0];
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.FingerprintSeedNotDrawn.selector, seedBlock));
        vm.prank(who);
        revealOne(verifier, taskId, 0, 0, 0, _opening(_cid(0), _fp(1, 16), _salt(who)));

        vm.roll(uint256(seedBlock) + 1);
        (, bytes32 seed) = _seed(0);
        assertEq(seed, keccak256(abi.encode(blockhash(seedBlock), taskId, uint256(0), uint256(0), uint256(0))));
        _reveal(taskId, 0, 0, 0, _fp(1, 16));
    }

    /// Two replicas (say, Sybils of one owner) committing in the same block share that block as
    /// their seed block: neither can reveal in it, where a same-block reveal could read its hash.
    function test_attack_replicasCommittingInOneBlockCannotRevealInIt() public {
        vm.roll(block.number + 1);
        address[] memory who = _assignees(taskId, 0, 0);
        for (uint256 replica = 0; replica < 2; ++replica) {
            bytes32 c = verifier.computeCommitment(
                taskId, 0, 0, 0, who[replica], _cid(replica), _sealedOf(_cid(replica)), _salt(who[replica])
            );
            vm.prank(who[replica]);
            commitOne(verifier, taskId, 0, 0, replica, c);
        }
        (uint64 seedBlock, bytes32 seed) = _seed(0);
        assertEq(seedBlock, block.number);
        assertEq(seed, bytes32(0));
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.FingerprintSeedNotDrawn.selector, seedBlock));
        vm.prank(who[1]);
        revealOne(verifier, taskId, 0, 0, 1, _opening(_cid(1), _fp(1, 16), _salt(who[1])));
        vm.roll(block.number + 1);
        _reveal(taskId, 0, 0, 1, _fp(1, 16));
    }

    function test_attack_commitmentDoesNotBindAFingerprint() public {
        // The same commitment reveals with whatever sketch the provider computes under the drawn
        // seed: nothing about the sketch is fixed before the seed is known.
        _commit(taskId, 0, 0, 0, _fp(1, 16));
        _commit(taskId, 0, 0, 1, _fp(1, 16));
        _pastSeedBlock(taskId, 0, 0);
        (, bytes32 seed) = _seed(0);
        _reveal(taskId, 0, 0, 0, _fp(uint256(seed), 16));
        bytes32 fingerprintHash = keccak256(Packed.pack(_fp(uint256(seed), 16)));
        assertEq(verifier.resultOf(taskId, 0, 0, 0, 0), keccak256(abi.encode(fingerprintHash, DeltaRoot.leaf(_cid(0)))));
    }

    function test_seedBlockOfAPastAttemptSurvivesTheRequeue() public {
        int32[] memory a = _fp(1, 16);
        int32[] memory b = _shifted(a, 1_000_000);
        _commit(taskId, 0, 0, 0, a);
        _commit(taskId, 0, 0, 1, b);
        (uint64 seedBlock,) = _seed(0);
        _runShardAlreadyCommitted(a, b);
        assertEq(_attemptOf(taskId, 0, 0), 1);
        (uint64 kept,) = _seed(0);
        assertEq(kept, seedBlock);
        (uint64 fresh,) = _seed(1);
        assertEq(fresh, 0);
    }

    /// The attempt is bound too: a provider drawn again for the re-run cannot replay its old
    /// commitment (nor its old delta, whose header names attempt 0).
    function test_attack_commitmentOfAnEarlierAttemptDoesNotReveal() public {
        int32[] memory a = _fp(1, 16);
        int32[] memory b = _shifted(a, 1_000_000);
        _commit(taskId, 0, 0, 0, a);
        _commit(taskId, 0, 0, 1, b);
        _runShardAlreadyCommitted(a, b);
        vm.roll(block.number + 2);
        address[] memory again = _assignees(taskId, 0, 0);
        address who = again[0];
        bytes32 old = verifier.computeCommitment(taskId, 0, 0, 0, who, _cid(0), _sealedOf(_cid(0)), _salt(who));
        vm.prank(who);
        commitOne(verifier, taskId, 0, 0, 0, old);
        for (uint256 i = 1; i < again.length; ++i) {
            _commit(taskId, 0, 0, i, a);
        }
        _pastSeedBlock(taskId, 0, 0);
        vm.expectRevert(IConsensusVerifier.CommitmentMismatch.selector);
        vm.prank(who);
        revealOne(verifier, taskId, 0, 0, 0, _opening(_cid(0), a, _salt(who)));
    }

    /// Reveals both committed replicas of attempt 0 and finalizes: they disagree, and with no
    /// verdict from the referee the shard re-queues.
    function _runShardAlreadyCommitted(int32[] memory a, int32[] memory b) internal {
        _reveal(taskId, 0, 0, 0, a);
        _reveal(taskId, 0, 0, 1, b);
        (,,,, uint64 revealDeadline,,) = verifier.assignment(taskId, 0, 0);
        vm.warp(revealDeadline);
        assertFalse(_finalize(taskId, 0, 0, _pair(a, b)));
        assertFalse(_expireSplit(taskId, 0, 0));
    }
}
