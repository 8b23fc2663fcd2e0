// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {Test} from "forge-std/Test.sol";
import {DeltaHeader} from "../../src/libraries/DeltaHeader.sol";

/// @dev isFaulty takes calldata: the test calls it through this contract.
contract DeltaHeaderHarness {
    function isFaulty(bytes calldata delta, bytes32 binding) external pure returns (bool) {
        return DeltaHeader.isFaulty(delta, binding);
    }
}

contract DeltaHeaderTest is Test {
    DeltaHeaderHarness internal harness;
    bytes32 internal constant BINDING = 0x0102030405060708091011121314151617181920212223242526272829303132;

    function setUp() public {
        harness = new DeltaHeaderHarness();
    }

    /// The 48-byte header with a binding, then a few body bytes the check never reads.
    function _header(uint8 scheme, uint8 byte7, uint32 chunk) internal pure returns (bytes memory) {
        return abi.encodePacked(
            hex"4d4c42440200",
            scheme,
            byte7,
            uint8(chunk),
            uint8(chunk >> 8),
            uint8(chunk >> 16),
            uint8(chunk >> 24),
            hex"03000000",
            BINDING,
            hex"deadbeef"
        );
    }

    function _faulty(bytes memory delta) internal view returns (bool) {
        return harness.isFaulty(delta, BINDING);
    }

    // ---------------------------------------------------------------- vectors shared with TypeScript

    function test_isFaulty_acceptsTheTopKHeaderTheTypeScriptEncoderWrites() public view {
        // topk.test.ts "is pinned": scheme 2, 4 bits, chunk 4, 3 tensors (binding replaced by BINDING).
        bytes memory delta = abi.encodePacked(hex"4d4c4244020002040400000003000000", BINDING, hex"00");
        assertFalse(_faulty(delta));
    }

    // ---------------------------------------------------------------- each scheme's rule

    function test_isFaulty_acceptsEachSchemeWithItsChunkRule() public view {
        assertFalse(_faulty(_header(0, 0, 0)), "float32");
        assertFalse(_faulty(_header(1, 0, 256)), "int8");
        assertFalse(_faulty(_header(1, 0, type(uint32).max)), "int8, any chunk");
        assertFalse(_faulty(_header(2, 2, 4096)), "topk 2-bit");
        assertFalse(_faulty(_header(2, 4, 4096)), "topk 4-bit");
        assertFalse(_faulty(_header(2, 2, 1)), "topk, chunk 1");
        assertFalse(_faulty(_header(2, 4, 65536)), "topk, chunk 65536");
    }

    function test_isFaulty_ignoresByte7ForFloat32AndInt8() public view {
        assertFalse(_faulty(_header(0, 3, 0)));
        assertFalse(_faulty(_header(1, 255, 16)));
    }

    function test_isFaulty_refusesTopKBitsOtherThan2Or4() public view {
        uint8[6] memory bad = [0, 1, 3, 5, 8, 255];
        for (uint256 i = 0; i < bad.length; ++i) {
            assertTrue(_faulty(_header(2, bad[i], 4096)));
        }
    }

    function test_isFaulty_refusesTopKChunkOfZeroOrOver65536() public view {
        uint32[4] memory bad = [0, 65537, 0x01000000, type(uint32).max];
        for (uint256 i = 0; i < bad.length; ++i) {
            assertTrue(_faulty(_header(2, 2, bad[i])));
        }
    }

    function test_isFaulty_refusesAChunkThatDoesNotFitFloat32OrInt8() public view {
        assertTrue(_faulty(_header(0, 0, 1)));
        assertTrue(_faulty(_header(1, 0, 0)));
    }

    function test_isFaulty_refusesUnknownSchemes() public view {
        assertTrue(_faulty(_header(3, 2, 4096)));
        assertTrue(_faulty(_header(255, 0, 0)));
    }

    function test_isFaulty_refusesAShortHeaderOrAnotherBinding() public view {
        bytes memory delta = _header(2, 2, 4096);
        assertTrue(harness.isFaulty(delta, bytes32(0)));
        bytes memory short = new bytes(47);
        for (uint256 i = 0; i < 47; ++i) {
            short[i] = delta[i];
        }
        assertTrue(_faulty(short));
    }

    /// The rule as protocol section 8 states it, against the library for any scheme, byte 7 and chunk.
    function testFuzz_isFaulty_matchesTheStatedRule(uint8 scheme, uint8 byte7, uint32 chunk) public view {
        scheme = uint8(bound(scheme, 0, 4));
        // Half the runs near the chunk limits and at small byte 7 values, where the rule changes.
        if (chunk % 2 == 0) chunk = uint32(bound(chunk, 0, 70000));
        if (byte7 >= 128) byte7 = uint8(bound(byte7, 0, 5));
        bool valid = (scheme == 0 && chunk == 0) || (scheme == 1 && chunk > 0)
            || (scheme == 2 && chunk >= 1 && chunk <= 65536 && (byte7 == 2 || byte7 == 4));
        assertEq(_faulty(_header(scheme, byte7, chunk)), !valid);
    }
}
