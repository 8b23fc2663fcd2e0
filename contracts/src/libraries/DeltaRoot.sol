// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title DeltaRoot
/// @notice The Merkle root of a round's accepted delta CIDs, as recorded in a version's `deltaRoot`:
/// the RFC 6962 Merkle Tree Hash with keccak256 over the CIDs' bytes. `MTH([]) = 0`,
/// `MTH([c]) = keccak256(0x00 ‖ c)`, `MTH(D[0:n]) = keccak256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))`
/// with k the largest power of two below n. The TypeScript aggregator computes the same root.
library DeltaRoot {
    /// @notice The RFC 6962 Merkle Tree Hash of `cids`, with keccak256.
    /// @dev Level by level, carrying an odd last node up unchanged: this builds the same tree as the
    /// recursive split at the largest power of two below n, without recursion.
    /// @param cids The leaves, in order (binary CIDs).
    /// @return The root (zero for no leaves).
    function root(bytes[] memory cids) internal pure returns (bytes32) {
        uint256 n = cids.length;
        if (n == 0) return bytes32(0);
        bytes32[] memory nodes = new bytes32[](n);
        for (uint256 i = 0; i < n; ++i) {
            nodes[i] = keccak256(abi.encodePacked(bytes1(0x00), cids[i]));
        }
        while (n > 1) {
            uint256 half = n >> 1;
            for (uint256 i = 0; i < half; ++i) {
                nodes[i] = keccak256(abi.encodePacked(bytes1(0x01), nodes[2 * i], nodes[2 * i + 1]));
            }
            if (n & 1 == 1) {
                nodes[half] = nodes[n - 1];
                ++half;
            }
            n = half;
        }
        return nodes[0];
    }
}
