// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Fees
/// @notice The protocol's fee per accepted result, shared by the TaskManager (which escrows it with
/// every task's budget) and the RewardDistributor (which burns it).
library Fees {
    /// @notice MLB burnt for every accepted result, escrowed by the task's creator on top of the
    /// reward. Reputation is earned one point per accepted result, so a provider who farms it in a
    /// task it created for itself (its reward comes back to it) pays this fee for every point.
    uint256 internal constant RESULT_FEE = 0.1 ether;
}
