// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IRewardDistributor
/// @notice What the TaskManager and the ConsensusVerifier call on the RewardDistributor.
interface IRewardDistributor {
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

    /// @notice Pays `rewardEach` from the escrow of `taskId` to each winner and updates reputations.
    /// @param taskId The task.
    /// @param rewardEach Reward per accepted result.
    /// @param winners Providers whose results were accepted.
    /// @param outvoted Providers whose revealed results lost the vote.
    /// @param missed Providers assigned that did not reveal.
    function settle(
        uint256 taskId,
        uint256 rewardEach,
        address[] calldata winners,
        address[] calldata outvoted,
        address[] calldata missed
    ) external;

    /// @notice Slashes up to `amount` of the stake of `provider`; burns most and credits `reporter` a share.
    /// @param provider The slashed provider.
    /// @param amount The amount to slash (capped at what the provider has bonded).
    /// @param reporter Who reported the fault (zero: everything is burned).
    /// @return slashed The amount actually slashed.
    function slash(address provider, uint256 amount, address reporter) external returns (uint256 slashed);

    /// @notice Bonded stake (excluding unbonding) and reputation of `provider`.
    /// @param provider The provider.
    /// @return staked Bonded stake.
    /// @return reputation Reputation points.
    function weightInputs(address provider) external view returns (uint256 staked, uint256 reputation);
}
