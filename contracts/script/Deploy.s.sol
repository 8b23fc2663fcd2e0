// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Script} from "forge-std/Script.sol";
import {MLBToken} from "../src/MLBToken.sol";

/// @title Deploy
/// @notice Deploys the ML Bridge contracts. The caller picks the signer, for example
/// `forge script script/Deploy.s.sol --rpc-url http://127.0.0.1:8545 --broadcast --private-key 0x...`;
/// the deployed addresses end up in `broadcast/Deploy.s.sol/<chainId>/run-latest.json`.
contract Deploy is Script {
    /// @notice Supply minted to the deployer: 100 million MLB.
    uint256 public constant INITIAL_SUPPLY = 100_000_000e18;

    /// @notice Deploys every contract from the broadcasting account.
    /// @return token The deployed MLB token.
    function run() external returns (MLBToken token) {
        vm.startBroadcast();
        // Inside a broadcast, msg.sender is the signer given on the command line.
        token = new MLBToken(msg.sender, INITIAL_SUPPLY);
        vm.stopBroadcast();
    }
}
