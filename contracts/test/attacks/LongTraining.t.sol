// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {commitOne} from "../utils/VerifierCalls.sol";

/// @notice A draw that moved under the providers it drew. A round's seed is fixed by its first
/// commit, which comes only after training; until then it came from the latest block B + 256k whose
/// hash the EVM still held. Training that outlasted 256 blocks (8.5 minutes on a 2-second chain)
/// found the draw changed: every drawn provider's commit was refused as `NotAssigned`, their work
/// lost and their deposits taken as missed at `finalize`, while a colluder drawn in a later
/// candidate could fix the seed when its draw suited it. The hash of `B` now comes from EIP-2935's
/// history contract (8,191 blocks) on chains that have it, so the draw holds while providers train.
contract LongTrainingTest is ProtocolFixture {
    /// @dev EIP-2935's history contract and its code, as chains from Prague on (anvil too) deploy it.
    address internal constant HISTORY = 0x0000F90827F1C53a10cb7A02335B175320002935;
    bytes internal constant HISTORY_CODE =
        hex"3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500";
    /// @dev The caller of the system call that records each block's parent hash.
    address internal constant SYSTEM = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;
    uint256 internal constant TRAINING_BLOCKS = 300;

    function test_attack_theDrawHoldsWhileADrawnProviderTrains() public {
        vm.etch(HISTORY, HISTORY_CODE);
        (uint256 taskId, address[] memory drawn) = _roundDrawn();
        vm.roll(block.number + TRAINING_BLOCKS);
        assertEq(_assignees(taskId, 0, 0), drawn, "the draw moved while its providers trained");
        _commitAs(taskId, drawn[0], 0);
        vm.roll(block.number + 10_000);
        assertEq(_assignees(taskId, 0, 0), drawn, "the first commit fixed the draw");
    }

    /// On a chain without EIP-2935 the draw still moves to the latest B + 256k, a block fixed in
    /// advance: the EVM holds no older hash.
    function test_withoutBlockHashHistoryTheDrawMovesAfter256Blocks() public {
        (uint256 taskId, address[] memory drawn) = _roundDrawn();
        vm.roll(block.number + TRAINING_BLOCKS);
        address[] memory moved = _assignees(taskId, 0, 0);
        assertTrue(moved[0] != drawn[0] || moved[1] != drawn[1], "the fixture's blocks draw the same pair twice");
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.NotAssigned.selector, drawn[0], moved[0]));
        vm.prank(drawn[0]);
        commitOne(verifier, taskId, 0, 0, 0, bytes32(uint256(1)));
    }

    /// Round 0 of a six-provider task started, its start block's hash recorded as a chain with
    /// EIP-2935 records it (the next block's system call), and its first shard's draw.
    function _roundDrawn() internal returns (uint256 taskId, address[] memory drawn) {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        taskId = _joinedTask(p, 6);
        tm.advance(taskId);
        _drawNextRound();
        if (HISTORY.code.length != 0) {
            vm.prank(SYSTEM);
            (bool ok,) = HISTORY.call(abi.encode(blockhash(block.number - 1)));
            assertTrue(ok);
        }
        drawn = _assignees(taskId, 0, 0);
        assertEq(drawn.length, 2);
    }

    function _commitAs(uint256 taskId, address who, uint256 replica) internal {
        bytes memory cid = _cid(replica);
        bytes32 c = verifier.computeCommitment(taskId, 0, 0, 0, who, cid, _sealedOf(cid), _salt(who));
        vm.prank(who);
        commitOne(verifier, taskId, 0, 0, replica, c);
    }
}
