// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {IConsensusVerifier} from "../../src/interfaces/IConsensusVerifier.sol";
import {ITaskManager} from "../../src/interfaces/ITaskManager.sol";
import {ProtocolFixture} from "../utils/ProtocolFixture.sol";

/// @notice A frozen task by a full counter. A provider's `missed`, `outvoted` and `accepted`
/// counts are 24 bits each, and settling a shard added to them with checked arithmetic. A provider
/// that first ran up its own `missed` count (misses cost only gas once its deposit is spent: about
/// 16.8 million of them) then joined a victim task and missed there made every `finalize` of that
/// shard revert, so the round could never be decided and the task's escrow and locks stayed stuck.
/// `missed` and `outvoted` now stop at their maximum, and `accepted` counts modulo 2^24.
contract CounterOverflowTest is ProtocolFixture {
    /// @dev `RewardDistributor.accounts` is slot 4; an Account packs claimable (128 bits),
    /// reputation (32), accepted (24, at bit 160), outvoted (24, at 184), missed (24, at 208), ….
    uint256 internal constant ACCOUNTS_SLOT = 4;
    uint256 internal constant MAX24 = type(uint24).max;

    function test_attack_aFullMissedCountCannotFreezeARound() public {
        (uint256 taskId,, address[] memory a) = _oneShardTask();
        _setCount(a[0], 208, MAX24);
        _setCount(a[1], 208, MAX24);
        (,,,, uint64 revealDeadline,,) = verifier.assignment(taskId, 0, 0);
        vm.warp(revealDeadline);
        // Both drawn replicas missed: the shard runs again, and the counts stay at their maximum.
        assertFalse(_finalize(taskId, 0, 0, new int32[][](2)));
        (,,,, uint24 missed,,) = distributor.accounts(a[0]);
        assertEq(missed, MAX24);
        assertEq(_attemptOf(taskId, 0, 0), 1);
    }

    function test_attack_aFullAcceptedCountCannotFreezeARound() public {
        (uint256 taskId, ITaskManager.TaskParams memory p, address[] memory a) = _oneShardTask();
        _setCount(a[0], 160, MAX24);
        int32[][] memory fps = new int32[][](2);
        fps[0] = _fp(1, p.fingerprintLength);
        fps[1] = fps[0];
        assertTrue(_runShard(taskId, 0, 0, fps));
        // Modulo 2^24, as its fees are counted.
        (,, uint24 accepted,,,,) = distributor.accounts(a[0]);
        assertEq(accepted, 0);
    }

    /// A one-shard task of three providers in round 0, and the shard's two assignees.
    function _oneShardTask()
        internal
        returns (uint256 taskId, ITaskManager.TaskParams memory p, address[] memory assignees)
    {
        _deploy();
        p = _params();
        p.shards = 1;
        taskId = _startTask(p, 3);
        assignees = _assignees(taskId, 0, 0);
    }

    function _setCount(address who, uint256 bit, uint256 value) internal {
        bytes32 slot = keccak256(abi.encode(who, ACCOUNTS_SLOT));
        uint256 word = uint256(vm.load(address(distributor), slot));
        word = (word & ~(MAX24 << bit)) | (value << bit);
        vm.store(address(distributor), slot, bytes32(word));
    }
}
