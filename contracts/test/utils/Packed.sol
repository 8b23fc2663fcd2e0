// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// Packs fingerprints the way the verifier takes them: 4 big-endian two's-complement bytes per
/// int32 entry. Tests build fingerprints as `int32[]` and pack them at the contract's boundary.
library Packed {
    function pack(int32[] memory fp) internal pure returns (bytes memory out) {
        out = new bytes(fp.length * 4);
        for (uint256 i = 0; i < fp.length; ++i) {
            uint32 u = uint32(fp[i]);
            for (uint256 b = 0; b < 4; ++b) {
                out[4 * i + b] = bytes1(uint8(u >> (24 - 8 * b)));
            }
        }
    }

    function packAll(int32[][] memory fps) internal pure returns (bytes[] memory out) {
        out = new bytes[](fps.length);
        for (uint256 i = 0; i < fps.length; ++i) {
            out[i] = pack(fps[i]);
        }
    }
}
