// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {Permits} from "../libraries/Permits.sol";

/// @title IRewardDistributor
/// @notice Interface of the RewardDistributor: provider stakes, task escrows, claimable balances and
/// reputation. Providers stake, unstake and claim; the TaskManager moves escrows in and out; the
/// ConsensusVerifier settles rewards and slashes.
interface IRewardDistributor {
    /// @notice An amount of zero was given.
    error ZeroAmount();
    /// @notice The provider has less bonded stake than requested.
    /// @param available The amount available.
    /// @param requested The amount requested.
    error InsufficientStake(uint256 available, uint256 requested);
    /// @notice Nothing is unbonding.
    error NothingToWithdraw();
    /// @notice The unbonding delay has not passed.
    /// @param releaseAt When the unbonding stake can be withdrawn.
    error StillUnbonding(uint64 releaseAt);
    /// @notice The account has nothing to claim.
    error NothingToClaim();
    /// @notice The task escrow cannot pay the rewards.
    /// @param taskId The task.
    /// @param available The amount available.
    /// @param required The amount required.
    error InsufficientEscrow(uint256 taskId, uint256 available, uint256 required);
    /// @notice A zero address was given where an account is required.
    error ZeroAddress();
    /// @notice An amount does not fit the packed storage.
    /// @param amount The amount.
    error AmountTooLarge(uint256 amount);
    /// @notice `provider` did not reveal an assigned result and forfeited `amount` of the stake
    /// it locked for `taskId`, burnt.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param amount The amount taken from its stake and burnt.
    event LivenessForfeited(uint256 indexed taskId, address indexed provider, uint256 amount);
    /// @notice A slashed provider lost its unclaimed rewards: a result the referee catches after it
    /// was accepted and paid (an audit) must not leave its reward behind. They are burnt.
    /// @param provider The slashed provider.
    /// @param amount The unclaimed balance burnt.
    event EarningsForfeited(address indexed provider, uint256 amount);
    /// @notice A slash took `stake` and `earnings` from `provider` and holds them until
    /// `executableAt`: before it, an appeal (APPEAL_ROLE) may overturn the slash and give them
    /// back; from it, anyone executes it (`executeSlash`), burning them and paying the reporter.
    /// @param id The pending slash.
    /// @param provider The slashed provider.
    /// @param stake The stake taken.
    /// @param earnings The unclaimed balance taken.
    /// @param reporter Who reported the fault (zero: none).
    /// @param executableAt When the appeal delay ends.
    event SlashPending(
        uint256 indexed id,
        address indexed provider,
        uint256 stake,
        uint256 earnings,
        address reporter,
        uint64 executableAt
    );
    /// @notice Pending slash `id` took effect: what it held was burnt and the reporter paid.
    /// @param id The slash.
    event SlashExecuted(uint256 indexed id);
    /// @notice Pending slash `id` was overturned on appeal: `returned` (its stake and earnings) was
    /// credited back to `provider`'s claimable balance.
    /// @param id The slash.
    /// @param provider The provider.
    /// @param returned The amount credited back.
    event SlashOverturned(uint256 indexed id, address indexed provider, uint256 returned);
    /// @notice No slash with this id is pending (never made, executed or overturned).
    /// @param id The slash.
    error NoPendingSlash(uint256 id);
    /// @notice The slash's appeal delay has not passed yet.
    /// @param id The slash.
    /// @param executableAt When it ends.
    error AppealPending(uint256 id, uint64 executableAt);
    /// @notice The slash's appeal delay has passed: it can only be executed.
    /// @param id The slash.
    /// @param executableAt When it ended.
    error AppealClosed(uint256 id, uint64 executableAt);
    /// @notice A bond is already held under the key.
    /// @param key The bond's key.
    error BondExists(bytes32 key);
    /// @notice No bond is held under the key.
    /// @param key The bond's key.
    error NoBond(bytes32 key);

    /// @notice `provider` bonded `amount` more.
    /// @param provider The provider.
    /// @param amount The amount.
    event Staked(address indexed provider, uint256 amount);
    /// @notice `provider` started unbonding `amount`, withdrawable at `releaseAt`.
    /// @param provider The provider.
    /// @param amount The amount.
    /// @param releaseAt When it can be withdrawn.
    event UnstakeRequested(address indexed provider, uint256 amount, uint64 releaseAt);
    /// @notice `provider` withdrew `amount` of unbonded stake.
    /// @param provider The provider.
    /// @param amount The amount.
    event Withdrawn(address indexed provider, uint256 amount);
    /// @notice `amount` escrowed for `taskId`, paid by `payer`.
    /// @param taskId The task.
    /// @param payer Who paid.
    /// @param amount The amount.
    event EscrowDeposited(uint256 indexed taskId, address indexed payer, uint256 amount);
    /// @notice The rest of the escrow of `taskId` was credited to `to`.
    /// @param taskId The task.
    /// @param to The recipient.
    /// @param amount The amount.
    event EscrowRefunded(uint256 indexed taskId, address indexed to, uint256 amount);
    /// @notice `provider` earned `amount` from the escrow of `taskId`; its reputation is now `reputation`.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @param amount The amount.
    /// @param reputation The new reputation.
    event RewardCredited(uint256 indexed taskId, address indexed provider, uint256 amount, uint32 reputation);
    /// @notice Reputation of `provider` changed to `reputation`.
    /// @param provider The provider.
    /// @param reputation The new reputation.
    /// @param delta The change.
    event ReputationChanged(address indexed provider, uint32 reputation, int256 delta);
    /// @notice `account` pulled `amount`.
    /// @param account The account.
    /// @param amount The amount.
    event Claimed(address indexed account, uint256 amount);
    /// @notice The protocol fees of `account`'s results accepted since its last claim were burnt.
    /// @param account The account that claimed.
    /// @param amount The fees burnt (RESULT_FEE per accepted result).
    event ResultFeesBurnt(address indexed account, uint256 amount);
    /// @notice `payer` bonded `amount` under `key` (a challenge).
    /// @param key The bond's key.
    /// @param payer Who bonded.
    /// @param amount The amount.
    event BondHeld(bytes32 indexed key, address indexed payer, uint256 amount);
    /// @notice The bond under `key` went back to `to`'s claimable balance.
    /// @param key The bond's key.
    /// @param to Who gets it.
    /// @param amount The amount.
    event BondReleased(bytes32 indexed key, address indexed to, uint256 amount);
    /// @notice The bond under `key` was forfeited: `burned` burnt, `share` credited to `beneficiary`.
    /// @param key The bond's key.
    /// @param beneficiary Who gets the share.
    /// @param burned Burnt part.
    /// @param share The beneficiary's part.
    event BondForfeited(bytes32 indexed key, address indexed beneficiary, uint256 burned, uint256 share);
    /// @notice `amount` of the stake of `provider` now backs task `taskId` alone.
    /// @param provider The provider.
    /// @param taskId The task.
    /// @param amount The amount locked.
    event StakeLocked(address indexed provider, uint256 indexed taskId, uint256 amount);
    /// @notice What was left of the stake `provider` locked for `taskId` is free again.
    /// @param provider The provider.
    /// @param taskId The task.
    /// @param amount The amount released.
    event StakeReleased(address indexed provider, uint256 indexed taskId, uint256 amount);
    /// @notice `provider` lost `amount`: `burned` burned, `reporterShare` credited to `reporter`.
    /// @param provider The provider.
    /// @param amount The amount.
    /// @param burned Burned part.
    /// @param reporter The reporter.
    /// @param reporterShare Reporter's part.
    event Slashed(
        address indexed provider, uint256 amount, uint256 burned, address indexed reporter, uint256 reporterShare
    );

    /// @notice Pulls `amount` from `payer` into the escrow of task `taskId`.
    /// @param taskId The task.
    /// @param payer The task creator (must have approved the distributor).
    /// @param amount The amount.
    function depositEscrow(uint256 taskId, address payer, uint256 amount) external;

    /// @notice Moves what is left in the escrow of `taskId` to the claimable balance of `to`.
    /// @param taskId The task.
    /// @param to The task creator.
    /// @return amount The amount moved.
    function refundEscrow(uint256 taskId, address to) external returns (uint256 amount);

    /// @notice Pays `rewardEach` from the escrow of `taskId` to each winner (and takes the result's
    /// protocol fee out of the escrow, burnt at the winner's next claim) and updates reputations.
    /// Each missing provider also forfeits its liveness deposit: up to `rewardEach` of the stake it
    /// locked for the task beyond `lockFloor`, burnt (not added to the escrow, which goes back to the
    /// creator), so missing a result costs more than being outvoted and profits nobody.
    /// @param taskId The task.
    /// @param rewardEach Reward per accepted result, and the liveness deposit.
    /// @param lockFloor What stays locked for the task whatever is forfeited (its `minStake`).
    /// @param winners Providers whose results were accepted.
    /// @param outvoted Providers whose revealed results lost the vote.
    /// @param missed Providers assigned that did not reveal.
    /// @return exhausted Bit i set when `missed[i]` had no deposit left to forfeit (it missed
    /// before): the verifier ejects it from the task's later draws.
    function settle(
        uint256 taskId,
        uint256 rewardEach,
        uint256 lockFloor,
        address[] calldata winners,
        address[] calldata outvoted,
        address[] calldata missed
    ) external returns (uint256 exhausted);

    /// @notice Pulls `amount` MLB from `payer` into a bond under `key` (the ModelRegistry's challenges).
    /// @param key The bond's key (one bond per key at a time).
    /// @param payer Who bonds (must have approved the distributor).
    /// @param amount The amount.
    function holdBond(bytes32 key, address payer, uint256 amount) external;

    /// @notice Credits the whole bond under `key` to `to`'s claimable balance.
    /// @param key The bond's key.
    /// @param to Who gets it back.
    /// @return amount The amount.
    function releaseBond(bytes32 key, address to) external returns (uint256 amount);

    /// @notice Forfeits the bond under `key`: burns most, credits `beneficiary` the reporter's share.
    /// @param key The bond's key.
    /// @param beneficiary Who gets the share.
    /// @return amount The bond.
    function forfeitBond(bytes32 key, address beneficiary) external returns (uint256 amount);

    /// @notice The bond held under `key`.
    /// @param key The bond's key.
    /// @return The amount.
    function bondOf(bytes32 key) external view returns (uint256);

    /// @notice Locks `amount` of the free stake of `provider` for task `taskId` (at joining). Locked
    /// stake cannot be unstaken and backs no other task.
    /// @param provider The provider.
    /// @param taskId The task.
    /// @param amount The amount to lock.
    function lockStake(address provider, uint256 taskId, uint256 amount) external;

    /// @notice Frees what is left of the stake `provider` locked for `taskId` (after the task); 0
    /// when nothing is left.
    /// @param provider The provider.
    /// @param taskId The task.
    /// @return amount The amount released.
    function releaseStake(address provider, uint256 taskId) external returns (uint256 amount);

    /// @notice Slashes up to `amount` of the stake `provider` locked for `taskId` (then of its free
    /// and unbonding stake, never of stake locked for another task), and takes its unclaimed
    /// balance (its fees due are burnt at once). Both are held for `appealDelay` (`SlashPending`);
    /// then `executeSlash` burns them and credits `reporter` a share of the stake, unless an
    /// appeal overturned the slash before. With no appeal delay the slash executes at once.
    /// `Slashed` and `EarningsForfeited` are emitted here, with the amounts the execution burns and pays.
    /// @param provider The slashed provider.
    /// @param taskId The task of the faulty result.
    /// @param amount The amount to slash (capped at what the provider has bonded).
    /// @param reporter Who reported the fault (zero: everything is burned).
    /// @return slashed The amount actually slashed.
    function slash(address provider, uint256 taskId, uint256 amount, address reporter)
        external
        returns (uint256 slashed);

    /// @notice Executes pending slash `id` once its appeal delay passed: burns what it holds and
    /// credits the reporter its share. Anyone may call it.
    /// @param id The slash (from `SlashPending`).
    function executeSlash(uint256 id) external;

    /// @notice Overturns pending slash `id` before its appeal delay passes: the stake and earnings
    /// it holds are credited back to the provider's claimable balance (the result stays slashed on
    /// the verifier, and the provider stays out of the task). Only APPEAL_ROLE.
    /// @param id The slash.
    function overturnSlash(uint256 id) external;

    /// @notice Seconds a slash is held before it can be executed.
    /// @return The delay.
    function appealDelay() external view returns (uint64);

    /// @notice Stake of `provider` locked for tasks, all together.
    /// @param provider The provider.
    /// @return The locked amount.
    function lockedStake(address provider) external view returns (uint256);

    /// @notice Stake of `provider` locked for task `taskId`.
    /// @param taskId The task.
    /// @param provider The provider.
    /// @return The locked amount.
    function taskLock(uint256 taskId, address provider) external view returns (uint256);

    /// @notice Bonds `amount` MLB of the caller (approve the distributor first).
    /// @param amount The amount to bond.
    function stake(uint256 amount) external;

    /// @notice `stake(amount)` with the approval in the same transaction: submits the caller's
    /// ERC-2612 `permit` of `amount` MLB to the distributor first (one that someone submitted
    /// already is skipped; without an allowance the stake reverts as `stake` does).
    /// @param amount The amount to bond.
    /// @param permit The caller's permit signature for `amount`, spender the distributor.
    function stakeWithPermit(uint256 amount, Permits.Permit calldata permit) external;

    /// @notice The MLB token that stakes, escrows, bonds and rewards are held in.
    /// @return The token.
    function token() external view returns (IERC20);

    /// @notice Starts unbonding `amount` of the caller's free (not locked) stake. Unbonding stake is
    /// still slashable and restarts the delay for the whole unbonding amount.
    /// @param amount The amount to unbond.
    function requestUnstake(uint256 amount) external;

    /// @notice Withdraws the caller's whole unbonding stake once the delay has passed.
    /// @return amount The amount sent.
    function withdraw() external returns (uint256 amount);

    /// @notice Pulls the caller's claimable rewards and refunds, and burns the protocol fees of its
    /// results accepted since its last claim (escrowed by their tasks' creators).
    /// @return amount The amount sent.
    function claim() external returns (uint256 amount);

    /// @notice The protocol fees of `account`'s accepted results that its next claim burns.
    /// @param account The account.
    /// @return The fees, RESULT_FEE per result accepted since its last claim.
    function feesDue(address account) external view returns (uint256);

    /// @notice How a slash of `amount` splits between burning and the reporter.
    /// @param amount The slashed amount.
    /// @param reporter The reporter (zero: no share).
    /// @return burned The burned part.
    /// @return share The reporter's part.
    function slashShares(uint256 amount, address reporter) external pure returns (uint256 burned, uint256 share);

    /// @notice Claimable balance of `account`.
    /// @param account The account.
    /// @return The claimable amount.
    function claimableOf(address account) external view returns (uint256);

    /// @notice Reputation of `provider` now: the points it earned, halved for every
    /// REPUTATION_HALF_LIFE since it last earned or lost any.
    /// @param provider The provider.
    /// @return The reputation points.
    function reputationOf(address provider) external view returns (uint256);

    /// @notice What the distributor owes: stakes, escrows and claimable balances together. Equals
    /// its token balance.
    /// @return The accounted total.
    function accountedBalance() external view returns (uint256);

    /// @notice Sum of bonded stakes.
    /// @return The sum.
    function totalStaked() external view returns (uint256);

    /// @notice Sum of unbonding stakes.
    /// @return The sum.
    function totalUnbonding() external view returns (uint256);

    /// @notice Escrow left per task.
    /// @param taskId The task.
    /// @return The escrow left.
    function escrowOf(uint256 taskId) external view returns (uint256);

    /// @notice When the unbonding amount of a provider can be withdrawn.
    /// @param provider The provider.
    /// @return The release timestamp.
    function unbondingReleaseAt(address provider) external view returns (uint64);

    /// @notice What the distributor owes to tasks and accounts: every task escrow, every bond, every
    /// claimable balance and the fees due to be burnt (`feesDue`). Paying a reward or refunding an
    /// escrow moves value between them and leaves this sum alone, so `settle` touches no global slot.
    /// @return The amount owed.
    function totalOwed() external view returns (uint256);
}
