// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {IMLBToken} from "./interfaces/IMLBToken.sol";

/// @title MLBToken
/// @notice The ML Bridge network token ("ML Bridge", MLB): task creators escrow it as reward
/// budgets, providers stake it and are paid in it.
/// @dev Fixed supply minted once to `initialHolder`; there is deliberately no owner and no minter,
/// so no key can inflate the supply. The only other mint path is the faucet, which exists for the
/// local development chain (anvil, chain id 31337) and reverts everywhere else. ERC-2612 permits
/// let a task creator approve and fund a task in one transaction. Holders may burn their own
/// tokens (ERC20Burnable): the RewardDistributor burns most of every slash that way.
contract MLBToken is IMLBToken, ERC20, ERC20Burnable, ERC20Permit {
    /// @notice Amount minted per faucet call.
    uint256 public constant FAUCET_AMOUNT = 1000e18;

    /// @notice The only chain id on which the faucet mints: anvil's default.
    uint256 public constant LOCAL_CHAIN_ID = 31_337;

    /// @notice Deploys the token and mints the whole initial supply to `initialHolder`.
    /// @param initialHolder Receives `initialSupply`; must not be the zero address.
    /// @param initialSupply Amount minted at deployment, in wei units (18 decimals).
    constructor(address initialHolder, uint256 initialSupply) ERC20("ML Bridge", "MLB") ERC20Permit("ML Bridge") {
        _mint(initialHolder, initialSupply);
    }

    /// @inheritdoc IMLBToken
    function faucet() external {
        if (block.chainid != LOCAL_CHAIN_ID) revert FaucetDisabled(block.chainid);
        _mint(msg.sender, FAUCET_AMOUNT);
        emit FaucetDrip(msg.sender, FAUCET_AMOUNT);
    }
}
