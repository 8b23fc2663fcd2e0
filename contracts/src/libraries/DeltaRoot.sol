// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title DeltaRoot
/// @notice The Merkle root of a round's accepted delta CIDs, as recorded in a version's `deltaRoot`:
/// the RFC 6962 Merkle Tree Hash with keccak256 over the CIDs' bytes. `MTH([]) = 0`,
/// `MTH([c]) = keccak256(0x00 ‖ c)`, `MTH(D[0:n]) = keccak256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n]))`
/// with k the largest power of two below n. The TypeScript client computes the same root.
library DeltaRoot {
    /// @notice The leaf hash of one delta CID: `keccak256(0x00 ‖ cid)`.
    /// @param cid A binary CID.
    /// @return The leaf.
    function leaf(bytes memory cid) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(bytes1(0x00), cid));
    }

    /// @notice The RFC 6962 Merkle Tree Hash over leaf hashes (see `leaf`), with keccak256.
    /// @dev Level by level, carrying an odd last node up unchanged: this builds the same tree as the
    /// recursive split at the largest power of two below n, without recursion. Overwrites `nodes`.
    /// @param nodes The leaf hashes, in order.
    /// @return The root (zero for no leaves).
    function root(bytes32[] memory nodes) internal pure returns (bytes32) {
        uint256 n = nodes.length;
        if (n == 0) return bytes32(0);
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
