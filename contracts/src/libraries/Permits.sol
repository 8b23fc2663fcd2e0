// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Permit.sol";

/// @title Permits
/// @notice ERC-2612 permits taken on the caller's behalf, so that approving the RewardDistributor
/// and the call that spends the allowance are one transaction (one wallet prompt, one fee, no wait
/// for an approval to be mined).
library Permits {
    /// @notice An ERC-2612 permit signature of the MLB token's `Permit(owner, spender, value, nonce,
    /// deadline)`: the owner is the caller, the spender the RewardDistributor, the value what the
    /// call spends.
    struct Permit {
        uint256 deadline;
        uint8 v;
        bytes32 r;
        bytes32 s;
    }

    /// @dev Submits `permit` and ignores its failure: anyone who saw the signature pending may have
    /// submitted it first (the allowance is set all the same), and a permit that is truly missing
    /// or wrong leaves the allowance short, so the transfer that follows reverts on its own.
    function tryPermit(IERC20Permit token, address owner, address spender, uint256 value, Permit calldata permit)
        internal
    {
        // solhint-disable-next-line no-empty-blocks
        try token.permit(owner, spender, value, permit.deadline, permit.v, permit.r, permit.s) {} catch {}
    }
}
