// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title BlockSeeds
/// @notice Randomness from the hash of a block recorded before anyone could know it: a round's
/// draw, a re-run's draw, a task's draw among its applicants.
library BlockSeeds {
    /// @dev EIP-2935's contract: the hashes of the last 8,191 blocks, on chains from Prague on.
    address internal constant BLOCK_HASH_HISTORY = 0x0000F90827F1C53a10cb7A02335B175320002935;

    /// @notice keccak256(blockhash(b) ‖ salt) for the block `b` = startBlock while its hash is known:
    /// in the EVM's 256-block window, then in EIP-2935's history (8,191 blocks) where the chain has
    /// it, so a draw holds while those it names act on it. Past both, the latest of startBlock +
    /// 256k inside the EVM's window (fixed in advance, so nobody picks between hashes by waiting
    /// unless nobody else fixed it first). Zero within block startBlock, whose hash no transaction
    /// in it can know.
    /// @param startBlock The block whose hash seeds the draw.
    /// @param salt What the draw is for (task, round, shard, attempt), hashed after the block hash.
    /// @return The seed, or zero within block startBlock.
    function seedFrom(uint256 startBlock, bytes memory salt) internal view returns (bytes32) {
        if (block.number <= startBlock) return bytes32(0);
        bytes32 hash = hashOf(startBlock);
        if (hash == bytes32(0)) hash = blockhash(startBlock + ((block.number - 1 - startBlock) / 256) * 256);
        return seedOf(hash, salt);
    }

    /// @notice The seed a block hash gives a draw: keccak256(hash ‖ salt).
    /// @param hash The block hash.
    /// @param salt What the draw is for.
    /// @return The seed.
    function seedOf(bytes32 hash, bytes memory salt) internal pure returns (bytes32) {
        return keccak256(abi.encodePacked(hash, salt));
    }

    /// @notice The hash of an earlier block `n` from the EVM's window or EIP-2935's history
    /// contract; zero where neither holds it (no contract there answers with no data, an older
    /// block reverts).
    /// @param n The block.
    /// @return hash Its hash, or zero.
    function hashOf(uint256 n) internal view returns (bytes32 hash) {
        hash = blockhash(n);
        if (hash != bytes32(0)) return hash;
        (bool ok, bytes memory out) = BLOCK_HASH_HISTORY.staticcall(abi.encode(n));
        if (ok && out.length == 32) hash = abi.decode(out, (bytes32));
    }
}
