// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MLBToken} from "../src/MLBToken.sol";
import {RewardDistributor} from "../src/RewardDistributor.sol";
import {ProtocolFixture} from "./utils/ProtocolFixture.sol";
import {IRewardDistributor} from "src/interfaces/IRewardDistributor.sol";
import {Fees} from "../src/libraries/Fees.sol";
import {Permits} from "../src/libraries/Permits.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

contract RewardDistributorTest is ProtocolFixture {
    uint256 internal constant TASK = 1;

    address internal alice = makeAddr("alice");
    address internal bob = makeAddr("bob");
    address internal escrow = makeAddr("escrowRole");
    address internal settler = makeAddr("settlerRole");
    address internal slasher = makeAddr("slasherRole");

    function setUp() public {
        _deploy();
        vm.startPrank(admin);
        distributor.grantRole(distributor.ESCROW_ROLE(), escrow);
        distributor.grantRole(distributor.SETTLER_ROLE(), settler);
        distributor.grantRole(distributor.SLASHER_ROLE(), slasher);
        vm.stopPrank();
    }

    function _deposit(uint256 taskId, uint256 amount) internal {
        _fund(creator, amount);
        vm.prank(creator);
        token.approve(address(distributor), amount);
        vm.prank(escrow);
        distributor.depositEscrow(taskId, creator, amount);
    }

    function _one(address a) internal pure returns (address[] memory list) {
        list = new address[](1);
        list[0] = a;
    }

    function _assertConserved() internal view {
        assertEq(token.balanceOf(address(distributor)), distributor.accountedBalance());
    }

    // ---------------------------------------------------------------- constructor

    function test_constructor_revertsWhenZeroAddress() public {
        vm.expectRevert(IRewardDistributor.ZeroAddress.selector);
        new RewardDistributor(IERC20(address(0)), 1, 0, admin);
        vm.expectRevert(IRewardDistributor.ZeroAddress.selector);
        new RewardDistributor(token, 1, 0, address(0));
    }

    // ---------------------------------------------------------------- stake, requestUnstake, withdraw

    function test_stake_bondsTokens() public {
        _fund(alice, 5e18);
        vm.startPrank(alice);
        token.approve(address(distributor), 5e18);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.Staked(alice, 5e18);
        distributor.stake(5e18);
        vm.stopPrank();
        (uint128 staked, uint128 unbonding) = distributor.stakes(alice);
        assertEq(staked, 5e18);
        assertEq(unbonding, 0);
        assertEq(distributor.totalStaked(), 5e18);
        _assertConserved();
    }

    function test_stakeWithPermit_bondsWithoutAnApproval() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        _fund(owner, 5e18);
        Permits.Permit memory permit = _permit(key, address(distributor), 5e18);
        vm.prank(owner);
        distributor.stakeWithPermit(5e18, permit);
        (uint128 staked,) = distributor.stakes(owner);
        assertEq(staked, 5e18);
        assertEq(token.allowance(owner, address(distributor)), 0);
        assertEq(token.nonces(owner), 1);
        _assertConserved();
    }

    /// Attack: whoever sees a pending `stakeWithPermit` submits its permit first, which makes the
    /// permit inside the stake revert (nonce used); the stake must go through all the same.
    function test_stakeWithPermit_survivesAFrontRunPermit() public {
        (address owner, uint256 key) = makeAddrAndKey("permitter");
        _fund(owner, 5e18);
        Permits.Permit memory permit = _permit(key, address(distributor), 5e18);
        vm.prank(stranger);
        token.permit(owner, address(distributor), 5e18, permit.deadline, permit.v, permit.r, permit.s);
        vm.prank(owner);
        distributor.stakeWithPermit(5e18, permit);
        (uint128 staked,) = distributor.stakes(owner);
        assertEq(staked, 5e18);
    }

    /// Attack: a permit signed by someone else (or for less) approves nothing, so nothing is taken.
    function test_stakeWithPermit_revertsWithoutTheOwnersPermit() public {
        (address owner,) = makeAddrAndKey("permitter");
        (, uint256 otherKey) = makeAddrAndKey("other");
        _fund(owner, 5e18);
        Permits.Permit memory forged = _permit(otherKey, address(distributor), 5e18);
        vm.prank(owner);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, address(distributor), 0, 5e18)
        );
        distributor.stakeWithPermit(5e18, forged);
    }

    function test_stake_revertsWhenZero() public {
        vm.expectRevert(IRewardDistributor.ZeroAmount.selector);
        distributor.stake(0);
    }

    function test_stake_revertsWhenTooLarge() public {
        MLBToken big = new MLBToken(alice, type(uint200).max);
        RewardDistributor d = new RewardDistributor(big, 1, 0, admin);
        uint256 amount = uint256(type(uint128).max) + 1;
        vm.startPrank(alice);
        big.approve(address(d), amount);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.AmountTooLarge.selector, amount));
        d.stake(amount);
        vm.stopPrank();
    }

    function test_requestUnstake_startsUnbonding() public {
        _stake(alice, 10e18);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.UnstakeRequested(alice, 4e18, uint64(block.timestamp) + UNBONDING);
        vm.prank(alice);
        distributor.requestUnstake(4e18);
        (uint128 staked, uint128 unbonding) = distributor.stakes(alice);
        assertEq(staked, 6e18);
        assertEq(unbonding, 4e18);
        assertEq(distributor.unbondingReleaseAt(alice), block.timestamp + UNBONDING);
        _assertConserved();
    }

    function test_requestUnstake_revertsWhenZero() public {
        vm.expectRevert(IRewardDistributor.ZeroAmount.selector);
        distributor.requestUnstake(0);
    }

    function test_requestUnstake_revertsWhenMoreThanStaked() public {
        _stake(alice, 1e18);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.InsufficientStake.selector, 1e18, 2e18));
        vm.prank(alice);
        distributor.requestUnstake(2e18);
    }

    function test_withdraw_paysAfterDelay() public {
        _stake(alice, 10e18);
        vm.prank(alice);
        distributor.requestUnstake(10e18);
        vm.warp(block.timestamp + UNBONDING);
        vm.prank(alice);
        assertEq(distributor.withdraw(), 10e18);
        assertEq(token.balanceOf(alice), 10e18);
        _assertConserved();
    }

    function test_withdraw_revertsWhileUnbonding() public {
        _stake(alice, 10e18);
        vm.prank(alice);
        distributor.requestUnstake(1e18);
        uint64 releaseAt = uint64(block.timestamp) + UNBONDING;
        vm.warp(releaseAt - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardDistributor.StillUnbonding.selector, releaseAt));
        vm.prank(alice);
        distributor.withdraw();
    }

    function test_withdraw_revertsWhenNothingUnbonding() public {
        vm.expectRevert(IRewardDistributor.NothingToWithdraw.selector);
        vm.prank(alice);
        distributor.withdraw();
    }

    // ---------------------------------------------------------------- escrow

    function test_depositEscrow_pullsFromPayer() public {
        _deposit(1, 50e18);
        assertEq(distributor.escrowOf(1), 50e18);
        assertEq(distributor.totalOwed(), 50e18);
        _assertConserved();
    }

    function test_depositEscrow_revertsWhenZero() public {
        vm.expectRevert(IRewardDistributor.ZeroAmount.selector);
        vm.prank(escrow);
        distributor.depositEscrow(1, creator, 0);
    }

    function test_depositEscrow_revertsWhenNotEscrowRole() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, distributor.ESCROW_ROLE()
            )
        );
        vm.prank(stranger);
        distributor.depositEscrow(1, creator, 1);
    }

    function test_refundEscrow_creditsCreator() public {
        _deposit(1, 50e18);
        vm.prank(escrow);
        assertEq(distributor.refundEscrow(1, creator), 50e18);
        assertEq(distributor.claimableOf(creator), 50e18);
        assertEq(distributor.escrowOf(1), 0);
        _assertConserved();
    }

    function test_refundEscrow_revertsWhenZeroAddress() public {
        vm.expectRevert(IRewardDistributor.ZeroAddress.selector);
        vm.prank(escrow);
        distributor.refundEscrow(1, address(0));
    }

    function test_refundEscrow_revertsWhenNotEscrowRole() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, distributor.ESCROW_ROLE()
            )
        );
        vm.prank(stranger);
        distributor.refundEscrow(1, stranger);
    }

    // ---------------------------------------------------------------- settle, claim

    function test_settle_paysWinnersAndMovesReputation() public {
        _deposit(1, 10e18);
        vm.prank(settler);
        distributor.settle(1, 2e18, 0, _one(alice), new address[](0), new address[](0));
        // Bob loses one point for missing, but reputation never goes below zero.
        vm.prank(settler);
        distributor.settle(1, 2e18, 0, new address[](0), new address[](0), _one(bob));
        assertEq(distributor.claimableOf(alice), 2e18);
        assertEq(distributor.reputationOf(alice), 1);
        assertEq(distributor.reputationOf(bob), 0);
        vm.prank(settler);
        distributor.settle(1, 2e18, 0, new address[](0), _one(alice), new address[](0));
        assertEq(distributor.reputationOf(alice), 0);
        // Alice's result took its reward and the protocol fee out of the escrow.
        assertEq(distributor.escrowOf(1), 8e18 - Fees.RESULT_FEE);
        assertEq(distributor.feesDue(alice), Fees.RESULT_FEE);
        _assertConserved();
    }

    function test_settle_revertsWhenEscrowShort() public {
        _deposit(1, 1e18);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardDistributor.InsufficientEscrow.selector, 1, 1e18, 2e18 + Fees.RESULT_FEE)
        );
        vm.prank(settler);
        distributor.settle(1, 2e18, 0, _one(alice), new address[](0), new address[](0));
    }

    function test_settle_revertsWhenNotSettler() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, distributor.SETTLER_ROLE()
            )
        );
        vm.prank(stranger);
        distributor.settle(1, 0, 0, new address[](0), new address[](0), new address[](0));
    }

    function test_claim_paysClaimable() public {
        _deposit(1, 10e18);
        vm.prank(settler);
        distributor.settle(1, 3e18, 0, _one(alice), new address[](0), new address[](0));
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.Claimed(alice, 3e18);
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.ResultFeesBurnt(alice, Fees.RESULT_FEE);
        vm.prank(alice);
        assertEq(distributor.claim(), 3e18);
        assertEq(token.balanceOf(alice), 3e18);
        assertEq(distributor.claimableOf(alice), 0);
        assertEq(supply - token.totalSupply(), Fees.RESULT_FEE, "the result's fee is burnt at the claim");
        assertEq(distributor.feesDue(alice), 0);
        _assertConserved();
    }

    function test_claim_revertsWhenNothingToClaim() public {
        vm.expectRevert(IRewardDistributor.NothingToClaim.selector);
        vm.prank(alice);
        distributor.claim();
    }

    // ---------------------------------------------------------------- slash

    function test_slash_takesStakeThenUnbonding() public {
        _stake(alice, 10e18);
        vm.prank(alice);
        distributor.requestUnstake(4e18);
        uint256 supply = token.totalSupply();
        vm.prank(slasher);
        uint256 slashed = distributor.slash(alice, TASK, 8e18, bob);
        assertEq(slashed, 8e18);
        (uint128 staked, uint128 unbonding) = distributor.stakes(alice);
        assertEq(staked, 0);
        assertEq(unbonding, 2e18);
        assertEq(distributor.claimableOf(bob), 0.8e18);
        assertEq(token.totalSupply(), supply - 7.2e18);
        _assertConserved();
    }

    function test_slash_capsAtBondedAmount() public {
        _stake(alice, 1e18);
        vm.prank(slasher);
        assertEq(distributor.slash(alice, TASK, 5e18, address(0)), 1e18);
        assertEq(distributor.claimableOf(address(0)), 0);
        _assertConserved();
    }

    function test_slash_forfeitsTheUnclaimedBalance() public {
        _stake(alice, 10e18);
        _stake(bob, 10e18);
        vm.prank(slasher);
        distributor.slash(bob, TASK, 10e18, alice); // alice is owed the reporter's share
        uint256 supply = token.totalSupply();
        vm.expectEmit(address(distributor));
        emit IRewardDistributor.EarningsForfeited(alice, 1e18);
        vm.prank(slasher);
        distributor.slash(alice, TASK, 4e18, address(0));
        assertEq(distributor.claimableOf(alice), 0);
        assertEq(token.totalSupply(), supply - 5e18, "the stake and the forfeited balance are burnt");
        _assertConserved();
    }

    function test_slash_revertsWhenNotSlasher() public {
        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, stranger, distributor.SLASHER_ROLE()
            )
        );
        vm.prank(stranger);
        distributor.slash(alice, TASK, 1, stranger);
    }

    // ---------------------------------------------------------------- fuzz

    function testFuzz_slashShares_splitExactly(uint256 amount, address reporter) public view {
        amount = bound(amount, 0, type(uint128).max);
        (uint256 burned, uint256 share) = distributor.slashShares(amount, reporter);
        assertEq(burned + share, amount);
        if (reporter == address(0)) assertEq(share, 0);
        else assertEq(share, amount * 1000 / 10_000);
        assertLe(share, amount / 10);
    }

    function testFuzz_slash_conservesTokens(uint256 stakeAmount, uint256 unbond, uint256 slashAmount) public {
        stakeAmount = bound(stakeAmount, 1, 1e27);
        unbond = bound(unbond, 0, stakeAmount);
        slashAmount = bound(slashAmount, 0, 2e27);
        _stake(alice, stakeAmount);
        if (unbond > 0) {
            vm.prank(alice);
            distributor.requestUnstake(unbond);
        }
        uint256 supply = token.totalSupply();
        vm.prank(slasher);
        uint256 slashed = distributor.slash(alice, TASK, slashAmount, bob);
        assertEq(slashed, slashAmount < stakeAmount ? slashAmount : stakeAmount);
        (uint256 burned, uint256 share) = distributor.slashShares(slashed, bob);
        assertEq(token.totalSupply(), supply - burned);
        assertEq(distributor.claimableOf(bob), share);
        _assertConserved();
    }

    function testFuzz_settle_paysRewardTimesWinners(uint256 reward, uint8 winners, uint256 budget) public {
        uint256 w = bound(winners, 0, 8);
        reward = bound(reward, 0, 1e24);
        uint256 paid = (reward + Fees.RESULT_FEE) * w;
        budget = bound(budget, paid + 1, paid + 1e24);
        _deposit(1, budget);
        address[] memory list = new address[](w);
        for (uint256 i = 0; i < w; ++i) {
            list[i] = address(uint160(0x1000 + i));
        }
        vm.prank(settler);
        distributor.settle(1, reward, 0, list, new address[](0), new address[](0));
        assertEq(distributor.escrowOf(1), budget - paid);
        assertEq(distributor.totalOwed(), budget);
        assertEq(distributor.claimableOf(list.length > 0 ? list[0] : address(1)), w > 0 ? reward : 0);
        _assertConserved();
    }
}
