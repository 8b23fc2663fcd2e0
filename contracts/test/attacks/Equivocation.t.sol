// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IModelRegistry} from "../../src/interfaces/IModelRegistry.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice Equivocation: version signatures carry no nonce, so a winner could sign two different
/// models for one round at no cost and lend its signature to both sides (here, one proposal each).
/// An honest winner signs only the model it recomputed, one per round: two signatures by one
/// provider over different models (model CID, commit hash, delta root or data hash) for the same
/// task, round and parent prove equivocation, and anyone but the referee reports them for a share
/// of the slash, which also ejects the signer. Metrics alone may differ (a winner signs the
/// aggregator's accuracy and loss, and may sign a stand-in's later), so they prove nothing.
contract EquivocationTest is ProtocolFixture {
    uint256 internal taskId;
    uint256 internal genesis;
    address internal signer;
    IModelRegistry.Proposal internal honest;
    IModelRegistry.Proposal internal other;

    function setUp() public {
        _deploy();
        taskId = _startTask(_params(), 3);
        genesis = registry.getModel(tm.getTask(taskId).modelId).head;
        _runRound(taskId, 0, 2);
        signer = _roundWinners(taskId, 0, 2)[0];
        honest = _proposal(taskId, 0, genesis, keccak256("honest"));
        other = _proposal(taskId, 0, genesis, keccak256("other"));
    }

    function _report(IModelRegistry.Proposal memory a, IModelRegistry.Proposal memory b, address reporter)
        internal
        returns (uint256)
    {
        bytes memory sigA = _signVersion(a, signer);
        bytes memory sigB = _signVersion(b, signer);
        vm.prank(reporter);
        return registry.reportEquivocation(signer, a, sigA, b, sigB);
    }

    function test_attack_oneWinnerSignsTwoModelsForOneRound_andEachSignatureCounts() public {
        // Both proposals take the same winner's signature: nothing stops it but the report below.
        address[] memory one = new address[](1);
        one[0] = signer;
        _proposeSigned(honest, signer, one);
        // (each aggregator proposes once a round: another winner proposes the other, with it)
        address second = _roundWinners(taskId, 0, 2)[1];
        address[] memory two = new address[](2);
        two[0] = signer;
        two[1] = second;
        _proposeSigned(other, second, two);
        // (two of the three winners sign it: final at once, so the ejection counts from the next round on)
        uint256 nextRound = uint256(tm.getTask(taskId).currentRound) + 1;
        uint256 staked = _staked(signer);
        uint256 claimable = distributor.claimableOf(stranger);
        vm.expectEmit(address(registry));
        emit IModelRegistry.Equivocated(taskId, 0, signer, stranger, MIN_STAKE);
        vm.expectEmit(address(tm));
        emit ITaskManager.ProviderEjected(taskId, signer, nextRound);
        assertEq(_report(honest, other, stranger), MIN_STAKE);
        assertEq(staked - _staked(signer), MIN_STAKE, "the signer loses what a slash may take");
        (, uint256 share) = distributor.slashShares(MIN_STAKE, stranger);
        assertEq(distributor.claimableOf(stranger) - claimable, share, "the reporter earns its share");
    }

    function test_aReportIsTakenOnce() public {
        _report(honest, other, stranger);
        bytes memory sigA = _signVersion(honest, signer);
        bytes memory sigB = _signVersion(other, signer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.AlreadyReported.selector, taskId, 0, signer));
        registry.reportEquivocation(signer, other, sigB, honest, sigA);
    }

    function test_differentMetricsAloneAreNotEquivocation() public {
        IModelRegistry.Proposal memory restated = honest;
        restated.data.accuracyBps = 9000;
        restated.data.loss = 12_345;
        bytes memory sigA = _signVersion(honest, signer);
        bytes memory sigB = _signVersion(restated, signer);
        vm.expectRevert(IModelRegistry.NotEquivocation.selector);
        registry.reportEquivocation(signer, honest, sigA, restated, sigB);
    }

    function test_signaturesOfAnotherRoundOrParentAreNotEquivocation() public {
        IModelRegistry.Proposal memory later = other;
        later.round = 1;
        IModelRegistry.Proposal memory elsewhere = other;
        elsewhere.parent = genesis + 1;
        bytes memory sigA = _signVersion(honest, signer);
        bytes memory sigLater = _signVersion(later, signer);
        bytes memory sigElsewhere = _signVersion(elsewhere, signer);
        vm.expectRevert(IModelRegistry.NotEquivocation.selector);
        registry.reportEquivocation(signer, honest, sigA, later, sigLater);
        vm.expectRevert(IModelRegistry.NotEquivocation.selector);
        registry.reportEquivocation(signer, honest, sigA, elsewhere, sigElsewhere);
    }

    function test_aForgedSignatureProvesNothing() public {
        address someoneElse = _roundWinners(taskId, 0, 2)[1];
        bytes memory sigA = _signVersion(honest, signer);
        bytes memory forged = _signVersion(other, someoneElse);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.InvalidSignature.selector, signer));
        registry.reportEquivocation(signer, honest, sigA, other, forged);
    }

    function test_neitherTheRefereeNorTheSignerReports() public {
        bytes memory sigA = _signVersion(honest, signer);
        bytes memory sigB = _signVersion(other, signer);
        vm.prank(referee);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAllowedToReport.selector, referee));
        registry.reportEquivocation(signer, honest, sigA, other, sigB);
        vm.prank(signer);
        vm.expectRevert(abi.encodeWithSelector(IModelRegistry.NotAllowedToReport.selector, signer));
        registry.reportEquivocation(signer, honest, sigA, other, sigB);
    }

    function _staked(address who) internal view returns (uint256 staked) {
        (uint128 s,) = distributor.stakes(who);
        return s;
    }
}
