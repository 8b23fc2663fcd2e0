// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {DeltaRoot} from "../../src/libraries/DeltaRoot.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A version names its inputs by its delta root. The root was whatever the proposer
/// wrote: a lone winner proposed a root of deltas nobody had accepted (or left winners out), and
/// with no challenge it became the head after its quiet window. Now the verifier computes the root
/// from the round's accepted results (each winner's revealed fingerprint hash and delta CID, as
/// stored at reveal), and a proposal with any other root, or with a list that is not exactly
/// the winners' results, is refused.
contract ForgedDeltaRootTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal modelId;
    uint256 internal genesis;
    address internal aggregator;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        modelId = tm.getTask(taskId).modelId;
        genesis = registry.getModel(modelId).head;
        _runRound(taskId, 0, 2);
        aggregator = _roundWinners(taskId, 0, 2)[0];
    }

    function _alone() internal view returns (address[] memory signers) {
        signers = new address[](1);
        signers[0] = aggregator;
    }

    /// `aggregator` proposes `p` alone with `results` (its own signature computed first).
    function _proposeWith(IModelRegistry.Proposal memory p, IConsensusVerifier.AcceptedResult[] memory results)
        internal
        returns (uint256)
    {
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _alone());
        vm.prank(aggregator);
        return registry.propose(p, signers, signatures, results);
    }

    /// `aggregator` proposes `results` with their own root, and is refused with `err`.
    function _expectRefused(IConsensusVerifier.AcceptedResult[] memory results, bytes memory err) internal {
        IModelRegistry.Proposal memory p = _proposal(taskId, 0, genesis, keccak256("model"));
        p.data.deltaRoot = _deltaRoot(results);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _alone());
        vm.expectRevert(err);
        vm.prank(aggregator);
        registry.propose(p, signers, signatures, results);
    }

    /// The first `n` entries of `results`.
    function _prefix(IConsensusVerifier.AcceptedResult[] memory results, uint256 n)
        internal
        pure
        returns (IConsensusVerifier.AcceptedResult[] memory out)
    {
        out = new IConsensusVerifier.AcceptedResult[](n);
        for (uint256 i = 0; i < n; ++i) {
            out[i] = results[i];
        }
    }

    function test_attack_rootOfItsOwnIsRefused() public {
        IModelRegistry.Proposal memory p = _proposal(taskId, 0, genesis, keccak256("model"));
        bytes32 honest = p.data.deltaRoot;
        p.data.deltaRoot = keccak256("deltas that were never accepted");
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 0);
        (address[] memory signers, bytes[] memory signatures) = _signAll(p, _alone());
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.DeltaRootMismatch.selector, p.data.deltaRoot, honest));
        vm.prank(aggregator);
        registry.propose(p, signers, signatures, results);
    }

    function test_attack_unrevealedDeltaIsRefused() public {
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 0);
        // The second winner of shard 0 (replica 1) "revealed" another delta.
        results[1].deltaLeaf = DeltaRoot.leaf(_cid(99));
        _expectRefused(results, abi.encodeWithSelector(IConsensusVerifier.NotAcceptedResult.selector, 1, 0, 1));
    }

    function test_attack_winnerLeftOutIsRefused() public {
        IConsensusVerifier.AcceptedResult[] memory all = _acceptedResults(taskId, 0);
        assertEq(all.length, 4);
        _expectRefused(_prefix(all, 3), abi.encodeWithSelector(IConsensusVerifier.AcceptedResultMissing.selector, 1, 1));
    }

    function test_attack_extraResultIsRefused() public {
        IConsensusVerifier.AcceptedResult[] memory all = _acceptedResults(taskId, 0);
        IConsensusVerifier.AcceptedResult[] memory five = new IConsensusVerifier.AcceptedResult[](5);
        for (uint256 i = 0; i < 4; ++i) {
            five[i] = all[i];
        }
        five[4] = all[0];
        _expectRefused(five, abi.encodeWithSelector(IConsensusVerifier.ExtraAcceptedResults.selector, 5, 4));
    }

    function test_attack_winnersOutOfOrderAreRefused() public {
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 0);
        (results[0], results[1]) = (results[1], results[0]);
        _expectRefused(results, abi.encodeWithSelector(IConsensusVerifier.NotAcceptedResult.selector, 0, 0, 0));
    }

    /// The honest root: every winner's delta CID, shard by shard, replica by replica.
    function test_honestRootIsTheMerkleRootOfTheWinnersDeltas() public {
        IModelRegistry.Proposal memory p = _proposal(taskId, 0, genesis, keccak256("model"));
        bytes32[] memory leaves = new bytes32[](4);
        for (uint256 i = 0; i < 4; ++i) {
            leaves[i] = DeltaRoot.leaf(_cid(i % 2));
        }
        bytes32 expected = DeltaRoot.root(leaves);
        assertEq(p.data.deltaRoot, expected);
        assertEq(verifier.acceptedDeltaRoot(taskId, 0, _acceptedResults(taskId, 0)), expected);
        uint256 v = _proposeWith(p, _acceptedResults(taskId, 0));
        vm.warp(registry.getVersion(v).challengeDeadline);
        registry.finalizeVersion(v);
        assertEq(registry.getModel(modelId).head, v);
        registry.requireVersionData(v, p.data);
    }

    /// A shard the referee decides lists only the replicas its verdict names as winners.
    function test_refereeVerdictSetsTheShardsLeaves() public {
        uint256 v = _proposeWith(_proposal(taskId, 0, genesis, keccak256("model")), _acceptedResults(taskId, 0));
        vm.warp(registry.getVersion(v).challengeDeadline);
        registry.finalizeVersion(v);
        _drawNextRound();
        int32[] memory honest = _fp(7, 16);
        int32[][] memory split = _pair(honest, _shifted(honest, 1_000_000));
        for (uint256 i = 0; i < 2; ++i) {
            _commit(taskId, 1, 0, i, split[i]);
            _commit(taskId, 1, 1, i, honest);
        }
        (,,, uint64 commitDeadline, uint64 revealDeadline,,) = verifier.assignment(taskId, 1, 0);
        vm.warp(commitDeadline);
        for (uint256 i = 0; i < 2; ++i) {
            _reveal(taskId, 1, 0, i, split[i]);
            _reveal(taskId, 1, 1, i, honest);
        }
        vm.warp(revealDeadline);
        assertFalse(_finalize(taskId, 1, 0, split));
        vm.prank(referee);
        verifier.resolveSplit(taskId, 1, 0, 1, bytes32("evidence"));
        assertTrue(_finalize(taskId, 1, 1, _pair(honest, honest)));
        bytes32[] memory leaves = new bytes32[](3);
        leaves[0] = DeltaRoot.leaf(_cid(0));
        leaves[1] = DeltaRoot.leaf(_cid(0));
        leaves[2] = DeltaRoot.leaf(_cid(1));
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 1);
        assertEq(results.length, 3);
        assertEq(verifier.acceptedDeltaRoot(taskId, 1, results), DeltaRoot.root(leaves));
    }

    function test_acceptedDeltaRoot_revertsForAnotherRound() public {
        IConsensusVerifier.AcceptedResult[] memory results = _acceptedResults(taskId, 0);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.RoundNotActive.selector, taskId, 1));
        verifier.acceptedDeltaRoot(taskId, 1, results);
    }
}
