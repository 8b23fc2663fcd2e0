// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

/// @title Votes
/// @notice The arithmetic of the vote on a shard's replicas. Fingerprints are int32 vectors, packed
/// as 4 big-endian two's-complement bytes per entry (an eighth of `int32[]`'s calldata); two
/// agree when they have the same length and their L-infinity distance is at most a tolerance. Each
/// revealed replica's cluster is the set of revealed replicas it agrees with (itself included);
/// agreement is not transitive, so clusters may overlap. The winning cluster is the largest one
/// (ties: lowest centre index); it wins when it is a strict majority of the revealed replicas and,
/// with two or more replica slots, has at least two members.
/// @dev Replica i is slot i of `fingerprints` and bit i of every mask. Works on calldata so that the
/// verifier never copies fingerprints to memory.
library Votes {
    /// @notice Whether two packed fingerprints agree: same length, a whole number of entries, and
    /// L-infinity distance <= `tolerance`.
    /// @param a A packed fingerprint.
    /// @param b Another packed fingerprint.
    /// @param tolerance Largest allowed difference per entry.
    /// @return True when they agree.
    function agree(bytes calldata a, bytes calldata b, uint32 tolerance) internal pure returns (bool) {
        uint256 n = a.length;
        if (n != b.length || n % 4 != 0) return false;
        for (uint256 i = 0; i < n; i += 4) {
            // int256 holds every difference of two int32 values, so neither side can overflow.
            int256 d = _entry(a, i) - _entry(b, i);
            if (d > int256(uint256(tolerance)) || -d > int256(uint256(tolerance))) return false;
        }
        return true;
    }

    /// @notice The cluster of every replica: bit j of `clusterMasks[i]` is set when replicas i and j
    /// are both revealed and agree. Unrevealed replicas get an empty cluster and their fingerprints
    /// are not read.
    /// @param fingerprints One packed fingerprint per replica slot.
    /// @param revealedMask Bit i set when replica i revealed; bits at or above `fingerprints.length`
    /// are ignored.
    /// @param tolerance Largest allowed difference per entry.
    /// @return clusterMasks The cluster of each replica slot.
    /// @return revealedCount Replica slots revealed.
    function clusters(bytes[] calldata fingerprints, uint256 revealedMask, uint32 tolerance)
        internal
        pure
        returns (uint256[] memory clusterMasks, uint256 revealedCount)
    {
        uint256 r = fingerprints.length;
        clusterMasks = new uint256[](r);
        for (uint256 i = 0; i < r; ++i) {
            if (revealedMask & (1 << i) == 0) continue;
            ++revealedCount;
            clusterMasks[i] |= 1 << i;
            // Agreement is symmetric: each pair is compared once.
            for (uint256 j = 0; j < i; ++j) {
                if (revealedMask & (1 << j) == 0) continue;
                if (agree(fingerprints[i], fingerprints[j], tolerance)) {
                    clusterMasks[i] |= 1 << j;
                    clusterMasks[j] |= 1 << i;
                }
            }
        }
    }

    /// @notice Picks the largest cluster (ties: lowest index) and whether it wins: more than half of
    /// the revealed replicas, and at least two members when there are two or more replica slots.
    /// @param clusterMasks The cluster of each replica slot, from `clusters`.
    /// @param revealedCount Replica slots revealed, from `clusters`.
    /// @return center The replica whose cluster is largest (0 when nothing was revealed).
    /// @return winners Its cluster, bit i set for replica i (0 when nothing was revealed).
    /// @return accepted Whether the cluster wins the vote.
    function majority(uint256[] memory clusterMasks, uint256 revealedCount)
        internal
        pure
        returns (uint256 center, uint256 winners, bool accepted)
    {
        uint256 r = clusterMasks.length;
        uint256 best;
        for (uint256 i = 0; i < r; ++i) {
            uint256 size = popcount(clusterMasks[i]);
            if (size > best) {
                best = size;
                center = i;
                winners = clusterMasks[i];
            }
        }
        // A lone replica can only decide a shard that has a single slot.
        accepted = best * 2 > revealedCount && best >= (r >= 2 ? 2 : 1);
    }

    /// @notice The number of set bits of `x`.
    /// @param x A bitmask.
    /// @return c Its set bits.
    function popcount(uint256 x) internal pure returns (uint256 c) {
        while (x != 0) {
            x &= x - 1;
            ++c;
        }
    }

    /// @dev The int32 entry at byte offset `i` of a packed fingerprint (the caller keeps i + 4 <= length).
    function _entry(bytes calldata fp, uint256 i) private pure returns (int256 v) {
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            v := signextend(3, shr(224, calldataload(add(fp.offset, i))))
        }
    }
}
