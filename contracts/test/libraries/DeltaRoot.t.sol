// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {DeltaRoot} from "../../src/libraries/DeltaRoot.sol";

contract DeltaRootTest is Test {
    // ---------------------------------------------------------------- vectors shared with TypeScript

    function test_root_emptyIsZero() public pure {
        assertEq(DeltaRoot.root(new bytes32[](0)), bytes32(0));
    }

    function test_root_matchesTypeScriptVectors() public view {
        assertEq(_cid(0), hex"01551220db5ec8c8674693b0b54991edc87070adb5e063def374c83884ea1dc11a8ccb49");
        assertEq(_root(_cids(1)), 0xf7c578a798f3eb5d1919ea1f53720fa07bef61e12556a6b926c1d97f76f7ed44);
        assertEq(_root(_cids(2)), 0x8ab04ccb7908bbde55471325f931652943043f725a9c6993e977e2cf14ffc4d6);
        assertEq(_root(_cids(3)), 0x60b56e4cb453570cb5d7a491d13331b2a3f0ff0c067f5da00c8edd951e952b2c);
        assertEq(_root(_cids(5)), 0x405b807fed68a8d1d7c0cfcd1aafdf036d15e1118245eee23d0f0d0e3ecd11ee);
    }

    function test_root_singleLeafIsDomainSeparatedHash() public view {
        bytes[] memory one = _cids(1);
        assertEq(_root(one), keccak256(abi.encodePacked(bytes1(0x00), one[0])));
        // The leaf prefix keeps a leaf from passing for an inner node.
        assertTrue(_root(one) != keccak256(one[0]));
    }

    function testFuzz_root_matchesRecursiveReference(uint256 n, uint256 seed) public pure {
        n = bound(n, 0, 20);
        bytes[] memory cids = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            // Lengths vary so the leaf encoding is covered beyond 36-byte CIDs.
            cids[i] = abi.encodePacked(keccak256(abi.encode(seed, i)), bytes((i % 3) == 0 ? "" : "tail"));
        }
        assertEq(_root(cids), _reference(cids, 0, n));
    }

    // ---------------------------------------------------------------- helpers

    function _root(bytes[] memory cids) internal pure returns (bytes32) {
        bytes32[] memory leaves = new bytes32[](cids.length);
        for (uint256 i = 0; i < cids.length; ++i) {
            leaves[i] = DeltaRoot.leaf(cids[i]);
        }
        return DeltaRoot.root(leaves);
    }

    /// RFC 6962 section 2.1, literally: split at the largest power of two strictly below n.
    function _reference(bytes[] memory cids, uint256 from, uint256 to) internal pure returns (bytes32) {
        uint256 n = to - from;
        if (n == 0) return bytes32(0);
        if (n == 1) return keccak256(abi.encodePacked(bytes1(0x00), cids[from]));
        uint256 k = 1;
        while (k * 2 < n) k *= 2;
        return
            keccak256(abi.encodePacked(bytes1(0x01), _reference(cids, from, from + k), _reference(cids, from + k, to)));
    }

    function _cids(uint256 n) internal view returns (bytes[] memory cids) {
        cids = new bytes[](n);
        for (uint256 i = 0; i < n; ++i) {
            cids[i] = _cid(i);
        }
    }

    function _cid(uint256 i) internal view returns (bytes memory) {
        return abi.encodePacked(hex"01551220", keccak256(bytes(string.concat("delta ", vm.toString(i)))));
    }
}
