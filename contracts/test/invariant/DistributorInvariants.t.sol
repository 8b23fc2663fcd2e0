// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {MLBToken} from "../../src/MLBToken.sol";
import {RewardDistributor} from "../../src/RewardDistributor.sol";
import {Fees} from "../../src/libraries/Fees.sol";

/// @dev Holds every protocol role of the distributor and drives it with random stakes, locks,
/// escrows, settlements, slashes, claims and withdrawals, keeping ghost totals of every token in and
/// out.
contract DistributorHandler is Test {
    uint256 internal constant TASKS = 3;

    MLBToken public immutable token;
    RewardDistributor public distributor;
    address[] internal actors;

    uint256 public ghostIn;
    uint256 public ghostPaidOut;
    uint256 public ghostBurned;
    uint256 public ghostCredited;
    uint256 public ghostClaimed;
    uint256 public ghostForfeited;
    /// stake and earnings pending slashes hold
    uint256 public ghostHeld;

    /// The handler holds the whole supply and hands tokens to actors as they need them.
    constructor(address[] memory actors_) {
        token = new MLBToken(address(this), 1e30);
        actors = actors_;
    }

    function setDistributor(RewardDistributor distributor_) external {
        distributor = distributor_;
    }

    function stake(uint256 actorSeed, uint256 amount) external {
        address a = _actor(actorSeed);
        amount = bound(amount, 1, 1000e18);
        assertTrue(token.transfer(a, amount));
        vm.startPrank(a);
        token.approve(address(distributor), amount);
        distributor.stake(amount);
        vm.stopPrank();
        ghostIn += amount;
    }

    function requestUnstake(uint256 actorSeed, uint256 amount) external {
        address a = _actor(actorSeed);
        (uint128 staked,) = distributor.stakes(a);
        uint256 free = staked - distributor.lockedStake(a);
        if (free == 0) return;
        amount = bound(amount, 1, free);
        vm.prank(a);
        distributor.requestUnstake(amount);
    }

    function withdraw(uint256 actorSeed) external {
        address a = _actor(actorSeed);
        (, uint128 unbonding) = distributor.stakes(a);
        if (unbonding == 0) return;
        uint64 releaseAt = distributor.unbondingReleaseAt(a);
        if (block.timestamp < releaseAt) vm.warp(releaseAt);
        vm.prank(a);
        ghostPaidOut += distributor.withdraw();
    }

    function lock(uint256 actorSeed, uint256 taskSeed, uint256 amount) external {
        address a = _actor(actorSeed);
        (uint128 staked,) = distributor.stakes(a);
        uint256 free = staked - distributor.lockedStake(a);
        if (free == 0) return;
        distributor.lockStake(a, bound(taskSeed, 1, TASKS), bound(amount, 1, free));
    }

    function release(uint256 actorSeed, uint256 taskSeed) external {
        address a = _actor(actorSeed);
        uint256 taskId = bound(taskSeed, 1, TASKS);
        if (distributor.taskLock(taskId, a) == 0) return;
        distributor.releaseStake(a, taskId);
    }

    function deposit(uint256 taskSeed, uint256 payerSeed, uint256 amount) external {
        address payer = _actor(payerSeed);
        amount = bound(amount, 1, 1000e18);
        assertTrue(token.transfer(payer, amount));
        vm.prank(payer);
        token.approve(address(distributor), amount);
        distributor.depositEscrow(bound(taskSeed, 1, TASKS), payer, amount);
        ghostIn += amount;
    }

    function settle(uint256 taskSeed, uint256 reward, uint256 mask) external {
        uint256 taskId = bound(taskSeed, 1, TASKS);
        address[] memory winners = new address[](actors.length);
        address[] memory losers = new address[](actors.length);
        uint256 w;
        uint256 l;
        for (uint256 i = 0; i < actors.length; ++i) {
            if (mask & (1 << i) != 0) winners[w++] = actors[i];
            else if (mask & (1 << (i + 8)) != 0) losers[l++] = actors[i];
        }
        assembly ("memory-safe") {
            mstore(winners, w)
            mstore(losers, l)
        }
        uint256 escrow = distributor.escrowOf(taskId);
        // A winner's result takes its reward (at least 1, as every task pays) and the fee.
        if (w > 0 && escrow / w <= Fees.RESULT_FEE) return;
        reward = w == 0 ? bound(reward, 0, 1e18) : bound(reward, 1, escrow / w - Fees.RESULT_FEE);
        distributor.settle(taskId, reward, 0, winners, losers, new address[](0));
        ghostCredited += reward * w;
    }

    function refund(uint256 taskSeed, uint256 toSeed) external {
        ghostCredited += distributor.refundEscrow(bound(taskSeed, 1, TASKS), _actor(toSeed));
    }

    function slash(uint256 actorSeed, uint256 taskSeed, uint256 amount, uint256 reporterSeed, bool withReporter)
        external
    {
        address a = _actor(actorSeed);
        address reporter = withReporter ? _actor(reporterSeed) : address(0);
        uint256 taskId = bound(taskSeed, 1, TASKS);
        uint256[] memory otherLocks = new uint256[](TASKS + 1);
        for (uint256 t = 1; t <= TASKS; ++t) {
            otherLocks[t] = distributor.taskLock(t, a);
        }
        (uint256 unclaimed, uint256 fees) = (distributor.claimableOf(a), distributor.feesDue(a));
        uint256 slashed = distributor.slash(a, taskId, bound(amount, 0, 2000e18), reporter);
        // A slash for one task never touches the stake locked for another.
        for (uint256 t = 1; t <= TASKS; ++t) {
            if (t != taskId) assertEq(distributor.taskLock(t, a), otherLocks[t], "another task's lock");
        }
        // The stake and the unclaimed balance are held for the appeal; the fees due are burnt now.
        assertEq(distributor.claimableOf(a), 0, "a slashed account keeps no unclaimed balance");
        assertEq(distributor.feesDue(a), 0, "and no fees due");
        (address provider,, address held,,) = distributor.pendingSlashes(distributor.slashCount());
        assertEq(provider, a, "the slash is pending");
        assertTrue(held != a, "a provider is never its own reporter");
        ghostForfeited += unclaimed;
        ghostHeld += slashed + unclaimed;
        ghostBurned += fees;
    }

    /// Executes a pending slash, waiting out its appeal delay.
    function executeSlash(uint256 idSeed) external {
        (uint256 id, RewardDistributor.PendingSlash memory p) = _pendingSlash(idSeed);
        if (id == 0) return;
        if (block.timestamp < p.executableAt) vm.warp(p.executableAt);
        distributor.executeSlash(id);
        (uint256 burned, uint256 share) = distributor.slashShares(p.stake, p.reporter);
        ghostHeld -= uint256(p.stake) + p.earnings;
        ghostBurned += burned + p.earnings;
        ghostCredited += share;
    }

    /// Overturns a pending slash still in its appeal delay: everything it held goes back.
    function overturnSlash(uint256 idSeed) external {
        (uint256 id, RewardDistributor.PendingSlash memory p) = _pendingSlash(idSeed);
        if (id == 0 || block.timestamp >= p.executableAt) return;
        uint256 before = distributor.claimableOf(p.provider);
        distributor.overturnSlash(id);
        uint256 returned = uint256(p.stake) + p.earnings;
        assertEq(distributor.claimableOf(p.provider), before + returned, "the provider gets back what the slash took");
        ghostHeld -= returned;
        ghostCredited += returned;
    }

    /// A pending slash, the first from a seeded id on (0 if none).
    function _pendingSlash(uint256 seed) internal view returns (uint256 id, RewardDistributor.PendingSlash memory p) {
        uint256 n = distributor.slashCount();
        if (n == 0) return (0, p);
        uint256 start = bound(seed, 1, n);
        for (uint256 k = 0; k < n; ++k) {
            id = (start + k - 1) % n + 1;
            (p.provider, p.executableAt, p.reporter, p.stake, p.earnings) = distributor.pendingSlashes(id);
            if (p.provider != address(0)) return (id, p);
        }
        return (0, p);
    }

    function claim(uint256 actorSeed) external {
        address a = _actor(actorSeed);
        if (distributor.claimableOf(a) == 0) return;
        ghostBurned += distributor.feesDue(a);
        vm.prank(a);
        uint256 amount = distributor.claim();
        ghostClaimed += amount;
        ghostPaidOut += amount;
    }

    function warp(uint256 secondsSeed) external {
        vm.warp(block.timestamp + bound(secondsSeed, 0, 2 days));
    }

    function actorCount() external view returns (uint256) {
        return actors.length;
    }

    function actorAt(uint256 i) external view returns (address) {
        return actors[i];
    }

    function sumEscrow() external view returns (uint256 sum) {
        for (uint256 t = 1; t <= TASKS; ++t) {
            sum += distributor.escrowOf(t);
        }
    }

    function _actor(uint256 seed) internal view returns (address) {
        return actors[bound(seed, 0, actors.length - 1)];
    }
}

contract DistributorInvariantTest is Test {
    uint64 internal constant APPEAL_DELAY = 1 hours;

    MLBToken internal token;
    RewardDistributor internal distributor;
    DistributorHandler internal handler;

    function setUp() public {
        address admin = makeAddr("admin");
        address[] memory actors = new address[](5);
        for (uint256 i = 0; i < actors.length; ++i) {
            actors[i] = makeAddr(string.concat("actor", vm.toString(i)));
        }
        handler = new DistributorHandler(actors);
        token = handler.token();
        distributor = new RewardDistributor(token, 1 days, APPEAL_DELAY, admin);
        handler.setDistributor(distributor);
        vm.startPrank(admin);
        distributor.grantRole(distributor.ESCROW_ROLE(), address(handler));
        distributor.grantRole(distributor.SETTLER_ROLE(), address(handler));
        distributor.grantRole(distributor.SLASHER_ROLE(), address(handler));
        distributor.grantRole(distributor.APPEAL_ROLE(), address(handler));
        vm.stopPrank();
        targetContract(address(handler));
        bytes4[] memory selectors = new bytes4[](13);
        selectors[0] = DistributorHandler.stake.selector;
        selectors[1] = DistributorHandler.requestUnstake.selector;
        selectors[2] = DistributorHandler.withdraw.selector;
        selectors[3] = DistributorHandler.deposit.selector;
        selectors[4] = DistributorHandler.settle.selector;
        selectors[5] = DistributorHandler.refund.selector;
        selectors[6] = DistributorHandler.slash.selector;
        selectors[7] = DistributorHandler.claim.selector;
        selectors[8] = DistributorHandler.warp.selector;
        selectors[9] = DistributorHandler.lock.selector;
        selectors[10] = DistributorHandler.release.selector;
        selectors[11] = DistributorHandler.executeSlash.selector;
        selectors[12] = DistributorHandler.overturnSlash.selector;
        excludeSender(address(handler));
        targetSelector(FuzzSelector({addr: address(handler), selectors: selectors}));
    }

    /// Token conservation: the balance equals stakes + escrow + claimable (credited - paid), and
    /// equals everything that came in minus everything paid out or burned. Per-account books add up.
    function invariant_tokenConservation() public view {
        uint256 balance = token.balanceOf(address(distributor));
        assertEq(balance, distributor.accountedBalance(), "balance != stakes + owed");
        assertEq(balance, handler.ghostIn() - handler.ghostPaidOut() - handler.ghostBurned(), "created or lost");
        uint256 staked;
        uint256 unbonding;
        uint256 claimable;
        uint256 fees;
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            (uint128 s, uint128 u) = distributor.stakes(handler.actorAt(i));
            staked += s;
            unbonding += u;
            claimable += distributor.claimableOf(handler.actorAt(i));
            fees += distributor.feesDue(handler.actorAt(i));
        }
        assertEq(distributor.totalStaked(), staked, "stakes");
        assertEq(distributor.totalUnbonding(), unbonding, "unbonding");
        // balance == stakes + escrow + (credited - paid), account by account.
        assertEq(
            claimable,
            handler.ghostCredited() - handler.ghostClaimed() - handler.ghostForfeited(),
            "claimable = credited - paid - forfeited"
        );
        assertEq(
            distributor.totalOwed(),
            handler.sumEscrow() + claimable + fees + handler.ghostHeld(),
            "owed = escrow + claimable + fees due + held by pending slashes"
        );
    }

    /// Locked stake is bonded stake, and is the sum of the actor's task locks.
    function invariant_locksAreBacked() public view {
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actorAt(i);
            (uint128 staked,) = distributor.stakes(a);
            uint256 sum;
            for (uint256 t = 1; t <= 3; ++t) {
                sum += distributor.taskLock(t, a);
            }
            assertEq(distributor.lockedStake(a), sum, "locked = sum of task locks");
            assertLe(sum, staked, "locked <= staked");
        }
    }

    /// Every actor can unstake everything (once its locks are released) and claim what it is owed.
    function afterInvariant() public {
        // Every pending slash takes effect (its reporter's share is then claimable).
        for (uint256 id = 1; id <= distributor.slashCount(); ++id) {
            handler.executeSlash(id);
        }
        assertEq(handler.ghostHeld(), 0, "nothing held once every slash executed");
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actorAt(i);
            for (uint256 t = 1; t <= 3; ++t) {
                if (distributor.taskLock(t, a) > 0) handler.release(i, t);
            }
            (uint128 staked,) = distributor.stakes(a);
            if (staked > 0) {
                vm.prank(a);
                distributor.requestUnstake(staked);
            }
        }
        vm.warp(block.timestamp + 1 days);
        for (uint256 i = 0; i < handler.actorCount(); ++i) {
            address a = handler.actorAt(i);
            vm.startPrank(a);
            (, uint128 unbonding) = distributor.stakes(a);
            if (unbonding > 0) distributor.withdraw();
            if (distributor.claimableOf(a) > 0) distributor.claim();
            vm.stopPrank();
            (uint128 s, uint128 u) = distributor.stakes(a);
            assertEq(uint256(s) + u + distributor.claimableOf(a), 0);
        }
        // Only task escrow (not yet earned or refunded) remains.
        assertEq(token.balanceOf(address(distributor)), handler.sumEscrow());
        assertEq(distributor.totalOwed(), handler.sumEscrow());
    }
}
