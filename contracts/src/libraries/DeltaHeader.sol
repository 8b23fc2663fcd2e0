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
    /// another magic, a format version other than 2, a scheme other than float32 (0) or int8 (1), a
    /// chunk size that does not fit the scheme, or a binding other than `binding`.
    /// @param delta The plaintext delta.
    /// @param binding The binding it must carry.
    /// @return True when a decoder must refuse it.
    function isFaulty(bytes calldata delta, bytes32 binding) internal pure returns (bool) {
        if (delta.length < HEADER_BYTES) return true;
        if (bytes4(delta[0:4]) != MAGIC) return true;
        // u16 little-endian version 2
        if (delta[4] != 0x02 || delta[5] != 0x00) return true;
        uint8 scheme = uint8(delta[6]);
        if (scheme > 1) return true;
        bool noChunk = bytes4(delta[8:12]) == bytes4(0);
        if ((scheme == 0) != noChunk) return true;
        return bytes32(delta[16:48]) != binding;
    }
}
