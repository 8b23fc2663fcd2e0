// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {IRewardDistributor} from "../../src/interfaces/IRewardDistributor.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A rogue or mistaken referee slashes an honest winner (an audit whose re-execution went
/// wrong, or a stolen referee key). Before, the slash burnt the winner's stake and unclaimed reward
/// in the same transaction: nothing could give them back. Now a slash holds them for the appeal
/// delay, an appeal overturns it and the winner gets everything back, and nobody is paid for
/// reporting it; a slash nobody appeals takes effect once the delay passed, and not before.
contract WrongfulSlashTest is ProtocolFixture {
    uint64 internal constant APPEAL = 3 days;
    uint256 internal taskId;
    address internal honest;
    IConsensusVerifier.ResultRef internal ref;

    function setUp() public {
        appealDelay = APPEAL;
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        p.replication = 2;
        taskId = _startTask(p, 2);
        int32[][] memory fps = new int32[][](2);
        (fps[0], fps[1]) = (_fp(1, 16), _fp(1, 16));
        assertTrue(_runShard(taskId, 0, 0, fps), "both honest replicas win");
        honest = _assignees(taskId, 0, 0)[0];
        ref = IConsensusVerifier.ResultRef(taskId, 0, 0, 0, 0);
    }

    function _slashHonest() internal returns (uint256 id) {
        vm.prank(referee);
        verifier.slash(ref, IConsensusVerifier.SlashReason.RefereeDisagrees, "wrong", stranger);
        id = distributor.slashCount();
    }

    function test_attack_aWrongfulSlashIsOverturnedOnAppealAndTheWinnerGetsEverythingBack() public {
        (uint128 stakedBefore,) = distributor.stakes(honest);
        uint256 supply = token.totalSupply();
        uint256 id = _slashHonest();
        (uint128 stakedAfter,) = distributor.stakes(honest);
        assertEq(stakedBefore - stakedAfter, MIN_STAKE, "the slash took the task's stake at once");
        assertEq(distributor.claimableOf(honest), 0, "and the unclaimed reward");
        assertEq(token.totalSupply(), supply - _feesBurnt(), "nothing burnt yet but the fee the protocol takes anyway");

        vm.warp(block.timestamp + APPEAL - 1);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.SlashOverturned(id, honest, MIN_STAKE + REWARD);
        vm.prank(appeals);
        distributor.overturnSlash(id);
        assertEq(distributor.claimableOf(honest), MIN_STAKE + REWARD, "the stake and the reward come back");
        assertEq(distributor.claimableOf(stranger), 0, "the false reporter earns nothing");
        assertEq(token.totalSupply(), supply - _feesBurnt(), "nothing of the winner's was burnt");
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.NoPendingSlash.selector, id));
        distributor.executeSlash(id);
        assertEq(token.balanceOf(address(distributor)), distributor.accountedBalance());
    }

    function test_anUnappealedSlashTakesEffectOnlyAfterTheDelay() public {
        uint256 supply = token.totalSupply();
        uint256 id = _slashHonest();
        uint64 executableAt = uint64(block.timestamp) + APPEAL;
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.AppealPending.selector, id, executableAt));
        distributor.executeSlash(id);

        vm.warp(executableAt);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.AppealClosed.selector, id, executableAt));
        vm.prank(appeals);
        distributor.overturnSlash(id);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.SlashExecuted(id);
        vm.prank(stranger); // anyone
        distributor.executeSlash(id);
        (uint256 burned, uint256 share) = distributor.slashShares(MIN_STAKE, stranger);
        assertEq(distributor.claimableOf(stranger), share, "the reporter is paid when the slash takes effect");
        assertEq(
            token.totalSupply(),
            supply - _feesBurnt() - burned - REWARD,
            "the rest of the stake and the reward are burnt"
        );
        assertEq(token.balanceOf(address(distributor)), distributor.accountedBalance());
    }

    function test_onlyTheAppealRoleOverturns() public {
        uint256 id = _slashHonest();
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, referee, distributor.APPEAL_ROLE()
            )
        );
        vm.prank(referee);
        distributor.overturnSlash(id);
    }

    /// The fee of the honest winner's accepted result, burnt by the slash as its claim would have.
    function _feesBurnt() internal pure returns (uint256) {
        return PAID - REWARD;
    }
}
