// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {TaskManager} from "../../src/TaskManager.sol";
import {ConsensusVerifier} from "../../src/ConsensusVerifier.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";
import {commitOne} from "../utils/VerifierCalls.sol";

/// @dev The attacker's contract: advances the task only if, in the same transaction, the draw
/// puts both colluders on shard 0; otherwise it reverts and tries again in a later block.
contract GrindingAdvancer {
    TaskManager internal immutable tm;
    ConsensusVerifier internal immutable verifier;

    constructor(TaskManager tm_, ConsensusVerifier verifier_) {
        tm = tm_;
        verifier = verifier_;
    }

    function advanceIfColluding(uint256 taskId, address a, address b) external {
        tm.advance(taskId);
        (address[] memory drawn,,,,,,) = verifier.assignment(taskId, 0, 0);
        bool both = drawn.length == 2 && ((drawn[0] == a && drawn[1] == b) || (drawn[0] == b && drawn[1] == a));
        require(both, "draw not good enough");
    }
}

/// @notice Finding 9, seed grinding: the caller of `advance` could read the very randomness that
/// drew the round in the same transaction and advance only when the draw put two colluders on one
/// shard. The draw now comes from the hash of the `advance`'s own block, which no transaction in it
/// can read.
contract SeedGrindingTest is ProtocolFixture {
    function test_attack_theAdvancerCannotSeeTheDrawItCauses() public {
        _deploy();
        ITaskManager.TaskParams memory p = _params();
        p.shards = 1;
        uint256 taskId = _createTask(p);
        for (uint256 i = 0; i < 6; ++i) {
            _stakeAndJoin(taskId, _provider(i));
        }
        vm.warp(block.timestamp + p.joinWindow);
        GrindingAdvancer attacker = new GrindingAdvancer(tm, verifier);
        // Whatever block it tries in, the draw is not there yet: it can only advance blind.
        for (uint256 tries = 0; tries < 20; ++tries) {
            vm.expectRevert(bytes("draw not good enough"));
            attacker.advanceIfColluding(taskId, _provider(0), _provider(1));
            vm.roll(block.number + 1);
        }
        tm.advance(taskId);
        uint256 started = block.number;
        (address[] memory drawn,,,,,,) = verifier.assignment(taskId, 0, 0);
        assertEq(drawn.length, 0);
        vm.expectRevert(abi.encodeWithSelector(IConsensusVerifier.SeedNotDrawn.selector, started));
        vm.prank(_provider(0));
        commitOne(verifier, taskId, 0, 0, 0, bytes32(uint256(1)));
        vm.roll(started + 1);
        (drawn,,,,,,) = verifier.assignment(taskId, 0, 0);
        assertEq(drawn.length, 2);
    }

    function test_theSeedOfAnOldRoundIsKept() public {
        _deploy();
        uint256 taskId = _startTask(_params(), 3);
        bytes32 seed0 = verifier.roundSeed(taskId, 0);
        _runRound(taskId, 0, 2);
        vm.warp(block.timestamp + 100);
        _advance(taskId);
        vm.roll(block.number + 1000);
        assertEq(verifier.roundSeed(taskId, 0), seed0);
        // The running round's seed, fixed by its first commit, outlives the 256-block window too.
        _runRound(taskId, 1, 2);
        bytes32 seed1 = verifier.roundSeed(taskId, 1);
        vm.roll(block.number + 1000);
        assertEq(verifier.roundSeed(taskId, 1), seed1);
    }
}
