// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {Votes} from "../../src/libraries/Votes.sol";
import {Packed} from "../utils/Packed.sol";

/// Exposes the library's calldata functions through external calls, as the verifier uses them.
contract VotesHarness {
    function agree(bytes calldata a, bytes calldata b, uint32 tolerance) external pure returns (bool) {
        return Votes.agree(a, b, tolerance);
    }

    function tally(bytes[] calldata fingerprints, uint256 revealedMask, uint32 tolerance)
        external
        pure
        returns (uint256[] memory clusterMasks, uint256 revealedCount, uint256 center, uint256 winners, bool accepted)
    {
        (clusterMasks, revealedCount) = Votes.clusters(fingerprints, revealedMask, tolerance);
        (center, winners, accepted) = Votes.majority(clusterMasks, revealedCount);
    }
}

contract VotesTest is Test {
    VotesHarness internal harness;

    struct Result {
        uint256[] clusterMasks;
        uint256 revealedCount;
        uint256 center;
        uint256 winners;
        bool accepted;
    }

    function setUp() public {
        harness = new VotesHarness();
    }

    // ---------------------------------------------------------------- agree

    function test_agree_trueWithinToleranceFalseBeyond() public view {
        int32[] memory a = _vec(10, -5, 0);
        assertTrue(_agree(a, _vec(12, -7, 2), 2));
        assertFalse(_agree(a, _vec(12, -8, 2), 2));
        assertFalse(_agree(a, _vec(10, -5, 1), 0));
    }

    function test_agree_isSymmetric() public view {
        int32[] memory a = _vec(type(int32).min, 0, 3);
        int32[] memory b = _vec(type(int32).min + 3, 3, 0);
        assertTrue(_agree(a, b, 3));
        assertTrue(_agree(b, a, 3));
        assertFalse(_agree(a, b, 2));
        assertFalse(_agree(b, a, 2));
    }

    function testFuzz_agree_isSymmetric(uint256 seed, uint256 length, uint32 tolerance) public view {
        length = bound(length, 0, 16);
        tolerance = uint32(bound(tolerance, 0, 4));
        int32[] memory a = _random(seed, length, 4);
        int32[] memory b = _random(uint256(keccak256(abi.encode(seed))), length, 4);
        assertEq(_agree(a, b, tolerance), _agree(b, a, tolerance));
    }

    function test_agree_isReflexive() public view {
        assertTrue(_agree(_vec(type(int32).min, type(int32).max, 0), _vec(type(int32).min, type(int32).max, 0), 0));
        assertTrue(_agree(new int32[](0), new int32[](0), 0));
    }

    function testFuzz_agree_isReflexive(uint256 seed, uint256 length, uint32 tolerance) public view {
        int32[] memory a = _random(seed, bound(length, 0, 64), type(uint32).max);
        assertTrue(_agree(a, a, tolerance));
    }

    function test_agree_falseWhenLengthsDiffer() public view {
        assertFalse(_agree(_vec(1, 2, 3), new int32[](2), type(uint32).max));
        assertFalse(_agree(new int32[](0), new int32[](1), type(uint32).max));
    }

    function testFuzz_agree_falseWhenLengthsDiffer(uint256 seed, uint256 la, uint256 lb, uint32 tolerance) public view {
        la = bound(la, 0, 32);
        lb = bound(lb, 0, 32);
        vm.assume(la != lb);
        assertFalse(_agree(_random(seed, la, 2), _random(seed, lb, 2), tolerance));
    }

    function test_agree_extremeValuesAtMaxTolerance() public view {
        // int32 max - int32 min = 2^32 - 1 = type(uint32).max: the widest gap, still within tolerance.
        assertTrue(_agree(_vec(type(int32).max, 0, 0), _vec(type(int32).min, 0, 0), type(uint32).max));
        assertFalse(_agree(_vec(type(int32).max, 0, 0), _vec(type(int32).min, 0, 0), type(uint32).max - 1));
    }

    function testFuzz_agree_matchesLInfinity(int32 x, int32 y, uint32 tolerance, uint256 position) public view {
        uint256 k = 8;
        int32[] memory a = new int32[](k);
        int32[] memory b = new int32[](k);
        position = bound(position, 0, k - 1);
        a[position] = x;
        b[position] = y;
        int256 d = int256(x) - int256(y);
        uint256 dist = uint256(d < 0 ? -d : d);
        assertEq(_agree(a, b, tolerance), dist <= tolerance);
    }

    // ---------------------------------------------------------------- clusters

    function test_clusters_skipsUnrevealedReplicas() public view {
        int32[][] memory fps = new int32[][](3);
        fps[0] = _vec(1, 1, 1);
        fps[2] = _vec(1, 1, 1);
        // Replica 1 did not reveal: its (empty) fingerprint is never compared.
        Result memory r = _tally(fps, 0x5, 0);
        assertEq(r.revealedCount, 2);
        assertEq(r.clusterMasks[0], 0x5);
        assertEq(r.clusterMasks[1], 0);
        assertEq(r.clusterMasks[2], 0x5);
        assertEq(r.winners, 0x5);
        assertTrue(r.accepted);
    }

    function testFuzz_clusters_onlyRevealedReplicas(uint256 seed, uint256 count, uint256 mask, uint32 tolerance)
        public
        view
    {
        (int32[][] memory fps, uint256 revealedMask, uint32 tol) = _scenario(seed, count, mask, tolerance);
        Result memory r = _tally(fps, revealedMask, tol);
        assertEq(r.revealedCount, Votes.popcount(revealedMask));
        assertEq(r.winners & ~revealedMask, 0);
        for (uint256 i = 0; i < fps.length; ++i) {
            assertEq(r.clusterMasks[i] & ~revealedMask, 0);
            if (revealedMask & (1 << i) == 0) assertEq(r.clusterMasks[i], 0);
            else assertTrue(r.clusterMasks[i] & (1 << i) != 0);
            for (uint256 j = 0; j < fps.length; ++j) {
                bool together = r.clusterMasks[i] & (1 << j) != 0;
                assertEq(together, r.clusterMasks[j] & (1 << i) != 0);
                if (together) assertTrue(_agree(fps[i], fps[j], tol));
            }
        }
    }

    function test_clusters_lengthMismatchNeverAgrees() public view {
        int32[][] memory fps = new int32[][](2);
        fps[0] = _vec(0, 0, 0);
        fps[1] = new int32[](2);
        Result memory r = _tally(fps, 0x3, type(uint32).max);
        assertEq(r.clusterMasks[0], 0x1);
        assertEq(r.clusterMasks[1], 0x2);
        assertFalse(r.accepted);
    }

    function testFuzz_clusters_lengthMismatchNeverAgrees(uint256 seed, uint256 count, uint32 tolerance) public view {
        count = bound(count, 2, 8);
        int32[][] memory fps = new int32[][](count);
        // Equal values, so only the lengths can keep two replicas apart.
        for (uint256 i = 0; i < count; ++i) {
            fps[i] = new int32[](1 + uint256(keccak256(abi.encode(seed, i))) % 3);
        }
        Result memory r = _tally(fps, (1 << count) - 1, tolerance);
        for (uint256 i = 0; i < count; ++i) {
            for (uint256 j = 0; j < count; ++j) {
                assertEq(r.clusterMasks[i] & (1 << j) != 0, fps[i].length == fps[j].length);
            }
        }
    }

    // ---------------------------------------------------------------- majority

    function test_majority_acceptsStrictMajority() public view {
        int32[][] memory fps = new int32[][](3);
        fps[0] = _vec(0, 0, 0);
        fps[1] = _vec(50, 50, 50);
        fps[2] = _vec(1, -1, 0);
        Result memory r = _tally(fps, 0x7, 1);
        assertTrue(r.accepted);
        assertEq(r.center, 0);
        assertEq(r.winners, 0x5);
    }

    function testFuzz_majority_acceptedClusterIsLargeEnough(uint256 seed, uint256 count, uint256 mask, uint32 tolerance)
        public
        view
    {
        (int32[][] memory fps, uint256 revealedMask, uint32 tol) = _scenario(seed, count, mask, tolerance);
        Result memory r = _tally(fps, revealedMask, tol);
        uint256 best;
        for (uint256 i = 0; i < fps.length; ++i) {
            uint256 size = Votes.popcount(r.clusterMasks[i]);
            if (size > best) best = size;
        }
        assertEq(Votes.popcount(r.winners), best);
        bool rule = best * 2 > r.revealedCount && best >= (fps.length >= 2 ? 2 : 1);
        assertEq(r.accepted, rule);
        if (r.accepted) {
            assertGt(Votes.popcount(r.winners) * 2, r.revealedCount);
            if (fps.length >= 2) assertGe(Votes.popcount(r.winners), 2);
        }
    }

    function test_majority_rejectsTie() public view {
        int32[][] memory fps = new int32[][](4);
        fps[0] = _vec(0, 0, 0);
        fps[1] = _vec(0, 0, 0);
        fps[2] = _vec(9, 9, 9);
        fps[3] = _vec(9, 9, 9);
        Result memory r = _tally(fps, 0xf, 0);
        assertFalse(r.accepted);
        assertEq(r.center, 0);
        assertEq(r.winners, 0x3);
    }

    function test_majority_loneRevealOnlyDecidesSingleSlot() public view {
        int32[][] memory two = new int32[][](2);
        two[1] = _vec(1, 2, 3);
        assertFalse(_tally(two, 0x2, 0).accepted);
        int32[][] memory one = new int32[][](1);
        one[0] = _vec(1, 2, 3);
        Result memory r = _tally(one, 0x1, 0);
        assertTrue(r.accepted);
        assertEq(r.winners, 0x1);
    }

    function test_majority_rejectsWhenNothingRevealed() public view {
        Result memory r = _tally(new int32[][](3), 0, 0);
        assertFalse(r.accepted);
        assertEq(r.revealedCount, 0);
        assertEq(r.center, 0);
        assertEq(r.winners, 0);
    }

    function test_majority_centerIsLowestIndexOfLargestCluster() public view {
        int32[][] memory fps = new int32[][](3);
        // 0 and 2 both agree with 1 but not with each other: 1's cluster {0, 1, 2} is the largest.
        fps[0] = _vec(0, 0, 0);
        fps[1] = _vec(1, 1, 1);
        fps[2] = _vec(2, 2, 2);
        Result memory r = _tally(fps, 0x7, 1);
        assertEq(r.center, 1);
        assertEq(r.winners, 0x7);
        assertTrue(r.accepted);
    }

    function testFuzz_majority_centerIsWinner(uint256 seed, uint256 count, uint256 mask, uint32 tolerance) public view {
        (int32[][] memory fps, uint256 revealedMask, uint32 tol) = _scenario(seed, count, mask, tolerance);
        Result memory r = _tally(fps, revealedMask, tol);
        if (r.revealedCount == 0) return;
        assertTrue(r.winners & (1 << r.center) != 0);
        assertEq(r.winners, r.clusterMasks[r.center]);
        for (uint256 i = 0; i < r.center; ++i) {
            assertLt(Votes.popcount(r.clusterMasks[i]), Votes.popcount(r.winners));
        }
    }

    function test_majority_ignoresUnrevealedFingerprints() public view {
        int32[][] memory fps = new int32[][](3);
        fps[0] = _vec(4, 4, 4);
        fps[1] = _vec(4, 4, 4);
        Result memory before = _tally(fps, 0x3, 0);
        fps[2] = _vec(4, 4, 4);
        Result memory after_ = _tally(fps, 0x3, 0);
        _assertSame(before, after_);
        assertTrue(after_.accepted);
        assertEq(after_.winners, 0x3);
    }

    function testFuzz_majority_dependsOnlyOnInputs(
        uint256 seed,
        uint256 count,
        uint256 mask,
        uint32 tolerance,
        address caller,
        uint256 time
    ) public {
        (int32[][] memory fps, uint256 revealedMask, uint32 tol) = _scenario(seed, count, mask, tolerance);
        Result memory first = _tally(fps, revealedMask, tol);
        vm.warp(bound(time, 1, type(uint64).max));
        vm.roll(bound(time, 1, type(uint64).max));
        vm.prank(caller);
        _assertSame(first, _tally(fps, revealedMask, tol));
        // What an unrevealed replica holds is never read.
        for (uint256 i = 0; i < fps.length; ++i) {
            if (revealedMask & (1 << i) == 0) fps[i] = _random(seed ^ i, i, type(uint32).max);
        }
        _assertSame(first, _tally(fps, revealedMask, tol));
    }

    // ---------------------------------------------------------------- popcount

    function test_popcount_countsBits() public pure {
        assertEq(Votes.popcount(0), 0);
        assertEq(Votes.popcount(0xb), 3);
        assertEq(Votes.popcount(type(uint256).max), 256);
    }

    function testFuzz_popcount_matchesBitLoop(uint256 x) public pure {
        uint256 c;
        for (uint256 i = 0; i < 256; ++i) {
            if (x & (1 << i) != 0) ++c;
        }
        assertEq(Votes.popcount(x), c);
    }

    function test_agree_falseForBytesThatAreNotWholeEntries() public view {
        bytes memory a = Packed.pack(_vec(1, 2, 3));
        assertTrue(harness.agree(a, a, 0));
        bytes memory cut = new bytes(11);
        for (uint256 i = 0; i < 11; ++i) {
            cut[i] = a[i];
        }
        assertFalse(harness.agree(cut, cut, type(uint32).max));
    }

    function test_agree_readsEntriesAsBigEndianTwosComplement() public view {
        // -1 is 0xffffffff and 1 is 0x00000001: two apart, whatever the bytes around them.
        assertTrue(harness.agree(hex"ffffffff00000007", hex"0000000100000007", 2));
        assertFalse(harness.agree(hex"ffffffff00000007", hex"0000000100000007", 1));
        assertFalse(harness.agree(hex"7fffffff", hex"80000000", type(uint32).max - 1));
    }

    // ---------------------------------------------------------------- helpers

    function _agree(int32[] memory a, int32[] memory b, uint32 tolerance) internal view returns (bool) {
        return harness.agree(Packed.pack(a), Packed.pack(b), tolerance);
    }

    function _tally(int32[][] memory fps, uint256 revealedMask, uint32 tolerance)
        internal
        view
        returns (Result memory r)
    {
        (r.clusterMasks, r.revealedCount, r.center, r.winners, r.accepted) =
            harness.tally(Packed.packAll(fps), revealedMask, tolerance);
    }

    function _assertSame(Result memory a, Result memory b) internal pure {
        assertEq(a.clusterMasks, b.clusterMasks);
        assertEq(a.revealedCount, b.revealedCount);
        assertEq(a.center, b.center);
        assertEq(a.winners, b.winners);
        assertEq(a.accepted, b.accepted);
    }

    /// Up to MAX_REPLICATION replicas with short fingerprints of small values and a small tolerance,
    /// so that agreeing, disagreeing and overlapping clusters all come up; now and then a replica
    /// has another length.
    function _scenario(uint256 seed, uint256 count, uint256 mask, uint32 tolerance)
        internal
        pure
        returns (int32[][] memory fps, uint256 revealedMask, uint32 tol)
    {
        count = bound(count, 1, 8);
        revealedMask = bound(mask, 0, (1 << count) - 1);
        tol = uint32(bound(tolerance, 0, 2));
        uint256 k = 1 + seed % 4;
        fps = new int32[][](count);
        for (uint256 i = 0; i < count; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            fps[i] = _random(h, h % 9 == 0 ? k + 1 : k, 3);
        }
    }

    /// `length` values in [-spread, spread] drawn from `seed`.
    function _random(uint256 seed, uint256 length, uint256 spread) internal pure returns (int32[] memory v) {
        v = new int32[](length);
        for (uint256 i = 0; i < length; ++i) {
            uint256 h = uint256(keccak256(abi.encode(seed, i)));
            v[i] = int32(int256(h % (2 * spread + 1)) - int256(spread));
        }
    }

    function _vec(int32 a, int32 b, int32 c) internal pure returns (int32[] memory v) {
        v = new int32[](3);
        v[0] = a;
        v[1] = b;
        v[2] = c;
    }
}
