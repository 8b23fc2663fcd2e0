// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Two Sybils among a round's winners: one proposes a forged version, the other signs it.
/// An upheld challenge rejected the version and slashed its aggregator, but the co-signer, whose
/// signature vouched for the forgery, kept its stake and its place in the draws. Now anyone slashes
/// each co-signer of a version rejected by an upheld challenge, the challenger as reporter.
contract ForgedVersionCosignersTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal genesis;
    address[] internal winners;

    function setUp() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        // Three signatures to finalize: the aggregator and its Sybil alone cannot.
        p.confirmations = 2;
        taskId = _startTask(p, 4);
        genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        _runRound(taskId, 0, 2);
        winners = _roundWinners(taskId, 0, 2);
    }

    /// winners[0] proposes a forged version and winners[1] signs it: short of a majority, so
    /// winners[2] can challenge it, and the referee rules `uphold`.
    function _forged(bool uphold) internal returns (uint256 v) {
        v = _proposeVersion(taskId, 0, genesis, winners[0], keccak256("forged"));
        _confirmVersion(v, winners[1]);
        assertLt(registry.getVersion(v).signers, registry.getVersion(v).requiredSigners, "not final");
        _challengeVersion(winners[2], v);
        vm.prank(referee);
        registry.resolveChallenge(v, uphold, CLAIM);
    }

    function test_attack_theSybilThatSignedAForgedVersionIsSlashedAndEjectedToo() public {
        uint256 v = _forged(true);
        (bool forged, address reporter) = registry.forgeries(v);
        assertTrue(forged);
        assertEq(reporter, winners[2]);
        (uint128 stakedBefore,) = distributor.stakes(winners[1]);
        uint256 reporterBefore = distributor.claimableOf(winners[2]);
        vm.expectEmit(address(registry));
        emit IModelRegistry.CosignerSlashed(v, taskId, winners[1], winners[2], MIN_STAKE);
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderEjected(taskId, winners[1], 1);
        // Anyone may call it: the reporter is the challenger, whoever sends it.
        vm.prank(stranger);
        assertEq(registry.slashCosigner(v, winners[1]), MIN_STAKE);
        (uint128 stakedAfter,) = distributor.stakes(winners[1]);
        assertEq(stakedBefore - stakedAfter, MIN_STAKE, "the co-signer lost the task's stake");
        assertEq(distributor.claimableOf(winners[1]), 0, "and its unclaimed rewards");
        (, uint256 share) = distributor.slashShares(MIN_STAKE, winners[2]);
        assertEq(distributor.claimableOf(winners[2]), reporterBefore + share, "the challenger reports it");
        assertEq(distributor.claimableOf(stranger), 0);
        // once per signer
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotCosigner.selector, v, winners[1]));
        registry.slashCosigner(v, winners[1]);
    }

    function test_slashCosigner_revertsForTheAggregatorAndForWhoeverDidNotSign() public {
        uint256 v = _forged(true);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotCosigner.selector, v, winners[0]));
        registry.slashCosigner(v, winners[0]);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotCosigner.selector, v, winners[2]));
        registry.slashCosigner(v, winners[2]);
    }

    function test_slashCosigner_revertsUnlessAnUpheldChallengeRejectedTheVersion() public {
        uint256 v = _forged(false);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotForged.selector, v));
        registry.slashCosigner(v, winners[1]);
        (bool forged,) = registry.forgeries(v);
        assertFalse(forged);
    }
}
