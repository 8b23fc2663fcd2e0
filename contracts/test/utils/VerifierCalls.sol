// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ConsensusVerifier} from "../../src/ConsensusVerifier.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";

/// @dev One-result `commit` and `reveal` batches. Free functions make no call of their own, so
/// `vm.prank` and `vm.expectRevert` before them apply to the verifier's call.
function commitOne(
    ConsensusVerifier verifier,
    uint256 taskId,
    uint256 round,
    uint256 shard,
    uint256 replica,
    bytes32 commitment
) {
    verifier.commit(taskId, round, oneCommit(shard, replica, commitment));
}

function revealOne(
    ConsensusVerifier verifier,
    uint256 taskId,
    uint256 round,
    uint256 shard,
    uint256 replica,
    IConsensusVerifier.Opening memory opening
) {
    verifier.reveal(taskId, round, oneReveal(shard, replica, opening), noDecisions());
}

function oneCommit(uint256 shard, uint256 replica, bytes32 commitment)
    pure
    returns (IConsensusVerifier.CommitEntry[] memory entries)
{
    entries = new IConsensusVerifier.CommitEntry[](1);
    entries[0] = IConsensusVerifier.CommitEntry(shard, replica, commitment);
}

function oneReveal(uint256 shard, uint256 replica, IConsensusVerifier.Opening memory opening)
    pure
    returns (IConsensusVerifier.RevealEntry[] memory entries)
{
    entries = new IConsensusVerifier.RevealEntry[](1);
    entries[0] = IConsensusVerifier.RevealEntry(shard, replica, opening);
}

function noDecisions() pure returns (IConsensusVerifier.ShardResults[] memory) {
    return new IConsensusVerifier.ShardResults[](0);
}

function oneDecision(uint256 shard, bytes[] memory fingerprints, bytes32[] memory deltaLeaves)
    pure
    returns (IConsensusVerifier.ShardResults[] memory shards)
{
    shards = new IConsensusVerifier.ShardResults[](1);
    shards[0] = IConsensusVerifier.ShardResults(shard, fingerprints, deltaLeaves);
}

/// @dev `finalize` of one shard; whether a result of it was accepted.
function finalizeOne(
    ConsensusVerifier verifier,
    uint256 taskId,
    uint256 round,
    uint256 shard,
    bytes[] memory fingerprints,
    bytes32[] memory deltaLeaves
) returns (bool) {
    return verifier.finalize(taskId, round, oneDecision(shard, fingerprints, deltaLeaves)) & 1 != 0;
}
