// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IRewardDistributor} from "../interfaces/IRewardDistributor.sol";

/// @title ChallengeBonds
/// @notice How an upheld challenge's bond is settled, the same for a version (ModelRegistry) and a
/// result (ResultChallenges): only a challenger whose claim is what the referee found did the
/// check; one that committed blind, to take over whoever did, loses its bond and reports nothing.
library ChallengeBonds {
    /// @notice The reporter of an upheld challenge: its challenger when its claim is the one found.
    /// @param challenger The challenger.
    /// @param claimed What it claimed.
    /// @param found What the referee (or a proof) found.
    /// @return The reporter, zero for a wrong claim.
    function reporterOf(address challenger, bytes32 claimed, bytes32 found) internal pure returns (address) {
        return claimed == found ? challenger : address(0);
    }

    /// @notice Credits the bond held under `key` back to `reporter`, or burns it all when there is
    /// no reporter.
    /// @param distributor The distributor holding the bond.
    /// @param key The bond's key.
    /// @param reporter The challenge's reporter (`reporterOf`).
    function settleUpheld(IRewardDistributor distributor, bytes32 key, address reporter) internal {
        if (reporter != address(0)) distributor.releaseBond(key, reporter);
        else distributor.forfeitBond(key, address(0));
    }
}
