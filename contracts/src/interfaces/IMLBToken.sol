// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title IMLBToken
/// @notice What the MLB token adds to ERC-20, ERC-2612 and ERC20Burnable: a faucet that mints only on
/// the local development chain.
interface IMLBToken {
    /// @notice The faucet was called on a chain other than the local development chain.
    /// @param chainId The chain id the call was made on.
    error FaucetDisabled(uint256 chainId);

    /// @notice Emitted when the faucet mints `amount` tokens to `recipient`.
    /// @param recipient The caller that received the tokens.
    /// @param amount The amount minted.
    event FaucetDrip(address indexed recipient, uint256 amount);

    /// @notice Mints `FAUCET_AMOUNT` tokens to the caller. Only on the local development chain.
    /// @dev Unlimited and without cooldown on purpose: tests and developers call it repeatedly, and
    /// on chain 31337 the tokens are worthless. Reverts with `FaucetDisabled` on any other chain.
    function faucet() external;
}
