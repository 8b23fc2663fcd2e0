// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IRewardDistributor} from "./interfaces/IRewardDistributor.sol";
import {Fees} from "./libraries/Fees.sol";
import {Permits} from "./libraries/Permits.sol";

/// @title RewardDistributor
/// @notice Holds every MLB token of the protocol: provider stakes (bonded and unbonding), task
/// escrows and claimable balances. Rewards and refunds are credited, never pushed: providers and
/// creators pull them with `claim`. Keeps reputation per provider and burns slashed stake.
/// Joining a task locks part of the bonded stake for that task alone (`lockStake`), until the task
/// has closed and its challenge window passed (`releaseStake`): locked stake cannot be unstaked, and
/// a slash for a result of a task takes that task's lock first and never another task's.
/// Reputation halves every REPUTATION_HALF_LIFE without a change, so an old record fades.
/// Challenge bonds are held here too, counted in `totalOwed` until released or forfeited. A slash
/// takes the stake and unclaimed balance at once but holds them, in `totalOwed`, for `appealDelay`:
/// an appeal (APPEAL_ROLE) may give them back meanwhile; after it anyone burns them (`executeSlash`).
/// @dev Conservation: `token.balanceOf(this) == totalStaked + totalUnbonding + totalOwed`, where
/// `totalOwed` is the sum of every task escrow and every claimable balance, after every call (tested
/// as an invariant). Only the TaskManager (ESCROW_ROLE)
/// moves escrow in and out; only the ConsensusVerifier (SETTLER_ROLE, SLASHER_ROLE) credits rewards,
/// reputation and slashes.
contract RewardDistributor is IRewardDistributor, AccessControl, ReentrancyGuardTransient {
    using SafeERC20 for IERC20;

    /// @notice May deposit and refund task escrows (the TaskManager).
    bytes32 public constant ESCROW_ROLE = keccak256("ESCROW_ROLE");
    /// @notice May pay rewards and change reputation (the ConsensusVerifier).
    bytes32 public constant SETTLER_ROLE = keccak256("SETTLER_ROLE");
    /// @notice May slash stake on proof (the ConsensusVerifier, on a referee verdict).
    bytes32 public constant SLASHER_ROLE = keccak256("SLASHER_ROLE");
    /// @notice May hold, release and forfeit bonds (the ModelRegistry, for challenges).
    bytes32 public constant BOND_ROLE = keccak256("BOND_ROLE");
    /// @notice May overturn a slash during its appeal delay (an appeals key or a second referee):
    /// it can only give back what a slash took, never take.
    bytes32 public constant APPEAL_ROLE = keccak256("APPEAL_ROLE");

    /// @notice Basis points denominator.
    uint256 public constant BPS = 10_000;
    /// @notice Share of a slash paid to the reporter; the rest is burned.
    uint256 public constant REPORTER_SHARE_BPS = 1000;
    /// @notice Reputation gained per accepted result.
    uint32 public constant REPUTATION_GAIN = 1;
    /// @notice Reputation lost when a revealed result is outvoted.
    uint32 public constant REPUTATION_LOSS_OUTVOTED = 2;
    /// @notice Reputation lost when an assigned result is never revealed.
    uint32 public constant REPUTATION_LOSS_MISSED = 1;
    /// @notice Reputation lost when slashed.
    uint32 public constant REPUTATION_LOSS_SLASHED = 10;
    /// @notice Reputation halves every this many days without a change.
    uint256 public constant REPUTATION_HALF_LIFE_DAYS = 30;

    /// @notice Stake of a provider.
    struct StakeInfo {
        uint128 staked;
        uint128 unbonding;
    }

    /// @notice Balances and record of an account, one slot. `opened` is set at the first stake so
    /// that the slot already exists when the first reward arrives (the 20k gas of a new slot is paid
    /// once by the staker, not by whoever finalizes a shard). `reputationDay` is the day (unix time
    /// / 1 day) reputation last changed, from which it decays. `outvoted` and `missed` stop at their
    /// maximum and `accepted` counts modulo 2^24 (its fees are owed from the difference since the
    /// last claim, exact while an account claims within 16.8 million results): settling a shard never
    /// reverts on a full count, which a provider could otherwise run up to freeze any round it joins.
    struct Account {
        uint128 claimable;
        uint32 reputation;
        uint24 accepted;
        uint24 outvoted;
        uint24 missed;
        uint16 reputationDay;
        bool opened;
    }

    /// @notice What a slash holds during its appeal delay, two slots.
    struct PendingSlash {
        address provider;
        uint64 executableAt;
        address reporter;
        uint128 stake;
        uint128 earnings;
    }

    /// @notice The MLB token.
    IERC20 public immutable token;
    /// @notice Seconds between `requestUnstake` and `withdraw`.
    uint64 public immutable unbondingDelay;
    /// @inheritdoc IRewardDistributor
    uint64 public immutable appealDelay;

    /// @notice Stake per provider.
    mapping(address provider => StakeInfo) public stakes;
    /// @notice The account's `accepted` count when its fees were last burnt (at its last claim).
    mapping(address account => uint24 accepted) public feesBurntFor;
    /// @inheritdoc IRewardDistributor
    mapping(address provider => uint64) public unbondingReleaseAt;
    /// @notice Claimable balance and reputation per account.
    mapping(address account => Account) public accounts;
    /// @inheritdoc IRewardDistributor
    mapping(uint256 taskId => uint256) public escrowOf;
    /// @inheritdoc IRewardDistributor
    mapping(bytes32 key => uint256) public bondOf;
    /// @inheritdoc IRewardDistributor
    mapping(address provider => uint256) public lockedStake;
    /// @inheritdoc IRewardDistributor
    mapping(uint256 taskId => mapping(address provider => uint256)) public taskLock;

    /// @notice Sums of stakes kept for the conservation check, one slot.
    struct Totals {
        uint128 staked;
        uint128 unbonding;
    }

    Totals internal _totals;
    /// @inheritdoc IRewardDistributor
    uint256 public totalOwed;
    /// @notice Slashes made so far; the next one's id is this plus one.
    uint256 public slashCount;
    /// @notice Slashes in their appeal delay, by id (deleted once executed or overturned).
    mapping(uint256 id => PendingSlash) public pendingSlashes;

    /// @notice Deploys the distributor.
    /// @param token_ The MLB token.
    /// @param unbondingDelay_ Seconds a provider waits between `requestUnstake` and `withdraw`.
    /// @param appealDelay_ Seconds a slash is held before it takes effect (0: at once).
    /// @param admin Receives DEFAULT_ADMIN_ROLE (grants the other roles at deployment).
    constructor(IERC20 token_, uint64 unbondingDelay_, uint64 appealDelay_, address admin) {
        if (address(token_) == address(0) || admin == address(0)) revert ZeroAddress();
        token = token_;
        unbondingDelay = unbondingDelay_;
        appealDelay = appealDelay_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    // ------------------------------------------------------------------ providers

    /// @inheritdoc IRewardDistributor
    function stake(uint256 amount) external nonReentrant {
        _stake(amount);
    }

    /// @inheritdoc IRewardDistributor
    function stakeWithPermit(uint256 amount, Permits.Permit calldata permit) external nonReentrant {
        Permits.tryPermit(IERC20Permit(address(token)), msg.sender, address(this), amount, permit);
        _stake(amount);
    }

    function _stake(uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        StakeInfo storage s = stakes[msg.sender];
        uint256 next = uint256(s.staked) + amount;
        if (next > type(uint128).max) revert AmountTooLarge(amount);
        s.staked = uint128(next);
        _totals.staked += uint128(amount);
        Account storage a = accounts[msg.sender];
        if (!a.opened) a.opened = true;
        emit Staked(msg.sender, amount);
        token.safeTransferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IRewardDistributor
    function requestUnstake(uint256 amount) external {
        if (amount == 0) revert ZeroAmount();
        StakeInfo storage s = stakes[msg.sender];
        uint256 free = _freeStake(msg.sender);
        if (amount > free) revert InsufficientStake(free, amount);
        s.staked -= uint128(amount);
        s.unbonding += uint128(amount);
        _totals.staked -= uint128(amount);
        _totals.unbonding += uint128(amount);
        uint64 releaseAt = uint64(block.timestamp) + unbondingDelay;
        unbondingReleaseAt[msg.sender] = releaseAt;
        emit UnstakeRequested(msg.sender, amount, releaseAt);
    }

    /// @inheritdoc IRewardDistributor
    function withdraw() external nonReentrant returns (uint256 amount) {
        StakeInfo storage s = stakes[msg.sender];
        amount = s.unbonding;
        if (amount == 0) revert NothingToWithdraw();
        uint64 releaseAt = unbondingReleaseAt[msg.sender];
        if (block.timestamp < releaseAt) revert StillUnbonding(releaseAt);
        s.unbonding = 0;
        _totals.unbonding -= uint128(amount);
        emit Withdrawn(msg.sender, amount);
        token.safeTransfer(msg.sender, amount);
    }

    /// @inheritdoc IRewardDistributor
    function claim() external nonReentrant returns (uint256 amount) {
        Account storage a = accounts[msg.sender];
        amount = a.claimable;
        if (amount == 0) revert NothingToClaim();
        a.claimable = 0;
        // The fees of the results accepted since the last claim: burnt here, once per claim, so
        // that settling a shard touches no slot beyond the ones it already writes.
        uint256 fees = _feesDue(msg.sender, a);
        if (fees != 0) feesBurntFor[msg.sender] = a.accepted;
        totalOwed -= amount + fees;
        emit Claimed(msg.sender, amount);
        if (fees != 0) {
            emit ResultFeesBurnt(msg.sender, fees);
            ERC20Burnable(address(token)).burn(fees);
        }
        token.safeTransfer(msg.sender, amount);
    }

    // ------------------------------------------------------------------ protocol

    /// @inheritdoc IRewardDistributor
    function depositEscrow(uint256 taskId, address payer, uint256 amount) external onlyRole(ESCROW_ROLE) nonReentrant {
        escrowOf[taskId] += amount;
        emit EscrowDeposited(taskId, payer, amount);
        _pullOwed(payer, amount);
    }

    /// @inheritdoc IRewardDistributor
    function refundEscrow(uint256 taskId, address to) external onlyRole(ESCROW_ROLE) returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = escrowOf[taskId];
        escrowOf[taskId] = 0;
        _credit(to, amount);
        emit EscrowRefunded(taskId, to, amount);
    }

    /// @inheritdoc IRewardDistributor
    function settle(
        uint256 taskId,
        uint256 rewardEach,
        uint256 lockFloor,
        address[] calldata winners,
        address[] calldata outvoted,
        address[] calldata missed
    ) external onlyRole(SETTLER_ROLE) returns (uint256 exhausted) {
        _pay(taskId, rewardEach, winners);
        for (uint256 i = 0; i < outvoted.length; ++i) {
            Account storage a = accounts[outvoted[i]];
            if (a.outvoted != type(uint24).max) ++a.outvoted;
            _lowerReputation(outvoted[i], a, REPUTATION_LOSS_OUTVOTED);
        }
        return _chargeMissed(taskId, rewardEach, lockFloor, missed);
    }

    /// @inheritdoc IRewardDistributor
    function holdBond(bytes32 key, address payer, uint256 amount) external onlyRole(BOND_ROLE) nonReentrant {
        if (bondOf[key] != 0) revert BondExists(key);
        bondOf[key] = amount;
        emit BondHeld(key, payer, amount);
        _pullOwed(payer, amount);
    }

    /// @inheritdoc IRewardDistributor
    function releaseBond(bytes32 key, address to) external onlyRole(BOND_ROLE) returns (uint256 amount) {
        if (to == address(0)) revert ZeroAddress();
        amount = bondOf[key];
        if (amount == 0) revert NoBond(key);
        bondOf[key] = 0;
        _credit(to, amount);
        emit BondReleased(key, to, amount);
    }

    /// @inheritdoc IRewardDistributor
    function forfeitBond(bytes32 key, address beneficiary)
        external
        onlyRole(BOND_ROLE)
        nonReentrant
        returns (uint256 amount)
    {
        amount = bondOf[key];
        if (amount == 0) revert NoBond(key);
        bondOf[key] = 0;
        (uint256 burned, uint256 share) = slashShares(amount, beneficiary);
        _credit(beneficiary, share);
        totalOwed -= burned;
        emit BondForfeited(key, beneficiary, burned, share);
        if (burned > 0) ERC20Burnable(address(token)).burn(burned);
    }

    /// @inheritdoc IRewardDistributor
    function lockStake(address provider, uint256 taskId, uint256 amount) external onlyRole(ESCROW_ROLE) {
        if (amount == 0) revert ZeroAmount();
        uint256 free = _freeStake(provider);
        if (amount > free) revert InsufficientStake(free, amount);
        lockedStake[provider] += amount;
        taskLock[taskId][provider] += amount;
        emit StakeLocked(provider, taskId, amount);
    }

    /// @inheritdoc IRewardDistributor
    function releaseStake(address provider, uint256 taskId) external onlyRole(ESCROW_ROLE) returns (uint256 amount) {
        amount = taskLock[taskId][provider];
        // Nothing left (a slash took the lock, or it was released): leaving still succeeds.
        if (amount == 0) return 0;
        taskLock[taskId][provider] = 0;
        lockedStake[provider] -= amount;
        emit StakeReleased(provider, taskId, amount);
    }

    /// @inheritdoc IRewardDistributor
    function slash(address provider, uint256 taskId, uint256 amount, address reporter)
        external
        onlyRole(SLASHER_ROLE)
        nonReentrant
        returns (uint256 slashed)
    {
        slashed = _takeStake(provider, _slashLock(provider, taskId, amount), amount);
        // A provider reporting its own fault earns nothing from it.
        if (reporter == provider) reporter = address(0);
        (uint256 burned, uint256 share) = slashShares(slashed, reporter);
        (uint256 earnings, uint256 fees) = _takeEarnings(provider);
        // The stake leaves the stakes and is owed (to the burn, the reporter or, on appeal, back).
        totalOwed += slashed;
        uint256 id = ++slashCount;
        uint64 executableAt = uint64(block.timestamp) + appealDelay;
        pendingSlashes[id] = PendingSlash(provider, executableAt, reporter, uint128(slashed), uint128(earnings));
        emit SlashPending(id, provider, slashed, earnings, reporter, executableAt);
        emit Slashed(provider, slashed, burned, reporter, share);
        if (fees > 0) ERC20Burnable(address(token)).burn(fees);
        if (appealDelay == 0) _executeSlash(id);
    }

    /// @inheritdoc IRewardDistributor
    function executeSlash(uint256 id) external nonReentrant {
        uint64 executableAt = _pending(id).executableAt;
        if (block.timestamp < executableAt) revert AppealPending(id, executableAt);
        _executeSlash(id);
    }

    /// @inheritdoc IRewardDistributor
    function overturnSlash(uint256 id) external onlyRole(APPEAL_ROLE) nonReentrant {
        PendingSlash memory p = _pending(id);
        if (block.timestamp >= p.executableAt) revert AppealClosed(id, p.executableAt);
        delete pendingSlashes[id];
        uint256 returned = uint256(p.stake) + p.earnings;
        // Held in totalOwed already: it moves to the provider's claimable balance.
        _credit(p.provider, returned);
        emit SlashOverturned(id, p.provider, returned);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IRewardDistributor
    function slashShares(uint256 amount, address reporter) public pure returns (uint256 burned, uint256 share) {
        share = reporter == address(0) ? 0 : (amount * REPORTER_SHARE_BPS) / BPS;
        burned = amount - share;
    }

    /// @inheritdoc IRewardDistributor
    function claimableOf(address account) external view returns (uint256) {
        return accounts[account].claimable;
    }

    /// @inheritdoc IRewardDistributor
    function reputationOf(address provider) external view returns (uint256) {
        return _reputationNow(accounts[provider]);
    }

    /// @inheritdoc IRewardDistributor
    function accountedBalance() external view returns (uint256) {
        Totals memory t = _totals;
        return uint256(t.staked) + t.unbonding + totalOwed;
    }

    /// @inheritdoc IRewardDistributor
    function feesDue(address account) external view returns (uint256) {
        return _feesDue(account, accounts[account]);
    }

    /// @dev RESULT_FEE for every result of `account` accepted since its fees were last burnt.
    function _feesDue(address account, Account storage a) private view returns (uint256) {
        uint24 since;
        unchecked {
            since = a.accepted - feesBurntFor[account];
        }
        return uint256(since) * Fees.RESULT_FEE;
    }

    /// @inheritdoc IRewardDistributor
    function totalStaked() external view returns (uint256) {
        return _totals.staked;
    }

    /// @inheritdoc IRewardDistributor
    function totalUnbonding() external view returns (uint256) {
        return _totals.unbonding;
    }

    // ------------------------------------------------------------------ internal

    /// @dev Credits `amount` to `to`; the caller accounts for it in `totalOwed`.
    function _credit(address to, uint256 amount) private {
        if (amount == 0) return;
        Account storage a = accounts[to];
        a.claimable += uint128(amount);
    }

    /// @dev Takes a slashed provider's unclaimed balance (held by the pending slash, still in
    /// `totalOwed`) and its fees due (out of `totalOwed`; the caller burns them), and lowers its
    /// reputation.
    function _takeEarnings(address provider) private returns (uint256 unclaimed, uint256 fees) {
        Account storage a = accounts[provider];
        fees = _feesDue(provider, a);
        if (fees > 0) {
            feesBurntFor[provider] = a.accepted;
            totalOwed -= fees;
            emit ResultFeesBurnt(provider, fees);
        }
        unclaimed = a.claimable;
        if (unclaimed > 0) {
            a.claimable = 0;
            emit EarningsForfeited(provider, unclaimed);
        }
        _lowerReputation(provider, a, REPUTATION_LOSS_SLASHED);
    }

    /// @dev The pending slash `id`, or a revert.
    function _pending(uint256 id) private view returns (PendingSlash storage p) {
        p = pendingSlashes[id];
        if (p.provider == address(0)) revert NoPendingSlash(id);
    }

    /// @dev Burns what pending slash `id` holds, less the reporter's share of its stake, which is credited.
    function _executeSlash(uint256 id) private {
        PendingSlash memory p = pendingSlashes[id];
        delete pendingSlashes[id];
        (uint256 burned, uint256 share) = slashShares(p.stake, p.reporter);
        totalOwed -= burned + p.earnings;
        _credit(p.reporter, share);
        emit SlashExecuted(id);
        if (burned + p.earnings > 0) ERC20Burnable(address(token)).burn(burned + p.earnings);
    }

    function _lowerReputation(address provider, Account storage a, uint32 loss) private {
        uint32 rep = _reputationNow(a);
        uint32 next = rep > loss ? rep - loss : 0;
        a.reputation = next;
        a.reputationDay = _today();
        emit ReputationChanged(provider, next, -int256(uint256(rep - next)));
    }

    /// @dev Takes `amount` from `payer` into what the distributor owes (an escrow or a bond the caller
    /// just booked), last: the caller's effects are done, and a bad amount reverts them all.
    function _pullOwed(address payer, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        if (amount > type(uint128).max - totalOwed) revert AmountTooLarge(amount);
        totalOwed += amount;
        token.safeTransferFrom(payer, address(this), amount);
    }

    /// @dev Moves `rewardEach` per winner from the task's escrow to its claimable balance, and the
    /// result's fee out of the escrow, and raises the winner's reputation.
    function _pay(uint256 taskId, uint256 rewardEach, address[] calldata winners) private {
        // The fee leaves the escrow with the reward and is burnt when the winner claims.
        uint256 total = (rewardEach + Fees.RESULT_FEE) * winners.length;
        if (total > 0) {
            uint256 available = escrowOf[taskId];
            if (available < total) revert InsufficientEscrow(taskId, available, total);
            // Escrow moves to claimable: totalOwed does not change, and no balance can pass
            // uint128 because totalOwed is capped at deposit.
            escrowOf[taskId] = available - total;
        }
        for (uint256 i = 0; i < winners.length; ++i) {
            Account storage a = accounts[winners[i]];
            uint32 reputation = _reputationNow(a) + REPUTATION_GAIN;
            a.claimable += uint128(rewardEach);
            a.reputation = reputation;
            a.reputationDay = _today();
            // Modulo 2^24, as the fee arithmetic reads it: a full count must not revert a settle.
            unchecked {
                ++a.accepted;
            }
            emit RewardCredited(taskId, winners[i], rewardEach, reputation);
        }
    }

    /// @dev Counts a miss against each of `missed`, takes its liveness deposit and burns the
    /// deposits together; bit i of `exhausted` set when `missed[i]` had none left.
    function _chargeMissed(uint256 taskId, uint256 rewardEach, uint256 lockFloor, address[] calldata missed)
        private
        returns (uint256 exhausted)
    {
        uint256 forfeited;
        for (uint256 i = 0; i < missed.length; ++i) {
            Account storage a = accounts[missed[i]];
            if (a.missed != type(uint24).max) ++a.missed;
            _lowerReputation(missed[i], a, REPUTATION_LOSS_MISSED);
            uint256 amount = _forfeitLiveness(missed[i], taskId, rewardEach, lockFloor);
            if (amount == 0) exhausted |= 1 << i;
            forfeited += amount;
        }
        if (forfeited != 0) ERC20Burnable(address(token)).burn(forfeited);
    }

    /// @dev Takes up to `amount` of the deposit `provider` locked for `taskId` above `floor` out of
    /// its stake, for the caller to burn: not into the escrow, whose rest goes back to the creator,
    /// who would then profit from the misses it can cause (withheld data, windows too short).
    /// Returns what was taken, 0 when there was no deposit left.
    function _forfeitLiveness(address provider, uint256 taskId, uint256 amount, uint256 floor)
        private
        returns (uint256 forfeit)
    {
        uint256 lock = taskLock[taskId][provider];
        uint256 deposit = lock > floor ? lock - floor : 0;
        forfeit = amount < deposit ? amount : deposit;
        if (forfeit == 0) return 0;
        // All of it comes out of the lock (forfeit <= deposit < lock): burn what was taken, exactly.
        forfeit = _takeStake(provider, _slashLock(provider, taskId, forfeit), forfeit);
        emit LivenessForfeited(taskId, provider, forfeit);
    }

    /// @dev Takes up to `amount` out of the stake `provider` locked for `taskId` (the caller takes it
    /// out of the bonded stake too).
    function _slashLock(address provider, uint256 taskId, uint256 amount) private returns (uint256 fromLock) {
        uint256 ownLock = taskLock[taskId][provider];
        fromLock = amount < ownLock ? amount : ownLock;
        if (fromLock == 0) return 0;
        taskLock[taskId][provider] = ownLock - fromLock;
        lockedStake[provider] -= fromLock;
    }

    /// @dev Takes `fromLock` (already out of the task's lock) and up to `amount - fromLock` more
    /// out of the free, then the unbonding, stake of `provider`.
    function _takeStake(address provider, uint256 fromLock, uint256 amount) private returns (uint256 taken) {
        StakeInfo storage s = stakes[provider];
        uint256 rest = amount - fromLock;
        uint256 free = _freeStake(provider) - fromLock;
        uint256 fromFree = rest < free ? rest : free;
        rest -= fromFree;
        uint256 fromUnbonding = rest < s.unbonding ? rest : s.unbonding;
        uint256 fromStaked = fromLock + fromFree;
        s.staked -= uint128(fromStaked);
        s.unbonding -= uint128(fromUnbonding);
        _totals.staked -= uint128(fromStaked);
        _totals.unbonding -= uint128(fromUnbonding);
        return fromStaked + fromUnbonding;
    }

    /// @dev Bonded stake that backs no task (what may be locked or unstaked).
    function _freeStake(address provider) private view returns (uint256) {
        return stakes[provider].staked - lockedStake[provider];
    }

    function _reputationNow(Account storage a) private view returns (uint32) {
        uint256 halvings = (_today() - a.reputationDay) / REPUTATION_HALF_LIFE_DAYS;
        return halvings >= 32 ? 0 : a.reputation >> halvings;
    }

    function _today() private view returns (uint16) {
        return uint16(block.timestamp / 1 days);
    }
}
