// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title DeltaHeader
/// @notice The checks of a plaintext delta (protocol section 8) that are cheap on chain: its fixed
/// 48-byte header and its binding. What needs the whole body (tensor layout, CRC-32, finite values,
/// the fingerprint) stays with the referee.
library DeltaHeader {
    /// @dev "MLBD": the magic's little-endian u32 0x44424c4d as bytes.
    bytes4 internal constant MAGIC = 0x4d4c4244;
    uint256 internal constant HEADER_BYTES = 48;
    /// @dev A top-k delta's largest chunk: its in-chunk indices are at most 16 bits.
    uint256 internal constant TOPK_MAX_CHUNK = 65536;

    /// @notice The binding a provider's delta must carry (protocol section 8, "Binding").
    /// @param verifier The ConsensusVerifier.
    /// @param taskId The task.
    /// @param round The round.
    /// @param shard The shard.
    /// @param attempt The shard's attempt.
    /// @param provider The provider that revealed the delta.
    /// @return The 32 bytes at offset 16.
    function bindingOf(
        address verifier,
        uint256 taskId,
        uint256 round,
        uint256 shard,
        uint256 attempt,
        address provider
    ) internal view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, verifier, taskId, round, shard, attempt, provider));
    }

    /// @notice Whether `delta` fails a header check every decoder applies: shorter than the header,
    /// another magic, a format version other than 2, a scheme other than float32 (0), int8 (1) or
    /// top-k (2), a chunk size that does not fit the scheme (float32 0, int8 at least 1, top-k 1 to
    /// 65536), top-k bits (byte 7) other than 2 or 4, or a binding other than `binding`.
    /// @param delta The plaintext delta.
    /// @param binding The binding it must carry.
    /// @return True when a decoder must refuse it.
    function isFaulty(bytes calldata delta, bytes32 binding) internal pure returns (bool) {
        if (delta.length < HEADER_BYTES) return true;
        if (bytes4(delta[0:4]) != MAGIC) return true;
        // u16 little-endian version 2
        if (delta[4] != 0x02 || delta[5] != 0x00) return true;
        uint8 scheme = uint8(delta[6]);
        // u32 little-endian at offset 8
        uint256 chunk = uint256(uint8(delta[8])) | (uint256(uint8(delta[9])) << 8) | (uint256(uint8(delta[10])) << 16)
            | (uint256(uint8(delta[11])) << 24);
        if (scheme == 0) {
            if (chunk != 0) return true;
        } else if (scheme == 1) {
            if (chunk == 0) return true;
        } else if (scheme == 2) {
            if (chunk == 0 || chunk > TOPK_MAX_CHUNK) return true;
            uint8 bits = uint8(delta[7]);
            if (bits != 2 && bits != 4) return true;
        } else {
            return true;
        }
        return bytes32(delta[16:48]) != binding;
    }
}
